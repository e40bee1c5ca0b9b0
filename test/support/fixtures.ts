import { randomUUID } from 'node:crypto';
import type { BulkLoad } from '../../lambdas/domain/bulk-load.ts';
import type { Caller } from '../../lambdas/domain/caller.ts';

/** A complete, valid create body; override any field. */
export function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
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
    ...overrides,
  };
}

export function caller(overrides: Partial<Caller> = {}): Caller {
  return { principal: 'user-1', tenantId: 'tenant-a', sourceIp: '127.0.0.1', userAgent: 'vitest', requestId: 'req-1', ...overrides };
}

export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A bulk load just started: awaiting its upload, nothing counted, started by a caller `loader`. */
export function awaitingLoad(id: string, sourceFile = 'run.ndjson'): BulkLoad {
  return {
    id,
    status: 'awaiting upload',
    source_file: sourceFile,
    loaded: 0,
    failed: 0,
    created_at: new Date().toISOString(),
    created_by: { principal: 'loader', source_ip: '127.0.0.1', user_agent: 'vitest', request_id: 'req-bulk' },
  };
}
