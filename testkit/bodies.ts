import type { ClientFields } from '../lambdas/domain/record-schema.ts';

/*
 * What the tests and the bench both use (this folder: request bodies, API Gateway's events, the
 * environment of a function run in process); neither folder imports the other.
 */

/** The fields of a complete, valid create body, fresh at each call. */
export const validFields = (): ClientFields => ({
  name: 'Send the renewal reminder',
  date: '2026-11-29T10:00:00Z',
  billing_run_id: 'run-1',
  candidate_service: 'candidates',
  candidate_id: 'cand-1',
  certification_id: 'cert-1',
  application_id: 'app-1',
  training_provider_id: 'tp-1',
  program_id: 'prog-1',
  certification_notice_id: 'notice-1',
  invoice_template_id: 'template-1',
  status: 'pending',
  type: 'send renewal reminder',
  training_provider_billing_records: [{ amount: 120, currency: 'USD' }],
});

/** A complete, valid create body; override any field (with any value: tests send invalid ones too). */
export function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...validFields(), ...overrides };
}
