import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

interface SuiteCase {
  comment?: string;
  doc: unknown;
  patch: Record<string, unknown>[];
  expected?: unknown;
  error?: string;
  disabled?: boolean;
}

const require = createRequire(import.meta.url);
const suite: SuiteCase[] = [
  ...(require('json-patch-test-suite/tests.json') as SuiteCase[]),
  ...(require('json-patch-test-suite/spec_tests.json') as SuiteCase[]),
];

/** Where each suite document lives inside a record: paths are prefixed with this pointer. */
const HOME = '/training_provider_billing_records/0/doc';

const hasEmptyKey = (value: unknown): boolean =>
  value !== null && typeof value === 'object' && Object.entries(value).some(([key, child]) => key === '' || hasEmptyKey(child));

/**
 * The deliberate differences from the suite, each for a reason of the service (docs/api.md, "JSON Patch"):
 * a patch has 1 to 100 operations, so an empty one is refused; and DynamoDB cannot store an empty object
 * key, so neither a document with one nor a patch that would create one is accepted.
 */
function difference(testCase: SuiteCase): { status: number; reason: string } | undefined {
  if (testCase.patch.length === 0) return { status: 400, reason: 'a patch has 1 to 100 operations' };
  if ('expected' in testCase && hasEmptyKey(testCase.expected)) return { status: 400, reason: 'DynamoDB cannot store an empty object key' };
  return undefined;
}

const service = serviceForThisFile({ tenants: ['tenant-a'] });

const prefix = (operation: Record<string, unknown>) => ({
  ...operation,
  ...(typeof operation.path === 'string' && { path: `${HOME}${operation.path}` }),
  ...(typeof operation.from === 'string' && { from: `${HOME}${operation.from}` }),
});

describe('the RFC 6902 test suite (json-patch-test-suite) through PATCH', () => {
  const enabled = suite.filter((testCase) => !testCase.disabled);
  it.each(enabled.map((testCase, index) => [testCase.comment ?? `case ${index}`, testCase] as const))('%s', async (_name, testCase) => {
    const created = await service.call('POST', '/billingRunActions/tenant-a', {
      token: service.token,
      body: validBody({ training_provider_billing_records: [{ doc: testCase.doc }] }),
    });
    if (hasEmptyKey(testCase.doc)) {
      // The suite's document itself cannot be stored (an empty key), so there is nothing to patch.
      expect(created.status, JSON.stringify(created.body)).toBe(400);
      return;
    }
    expect(created.status).toBe(200);
    const response = await service.call('PATCH', `/billingRunActions/tenant-a/${created.body.id}`, {
      token: service.token,
      body: testCase.patch.map(prefix),
    });
    const differs = difference(testCase);
    if (differs) {
      expect(response.status, differs.reason).toBe(differs.status);
    } else if (testCase.error !== undefined) {
      expect([400, 409], `${testCase.error}: ${JSON.stringify(response.body)}`).toContain(response.status);
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(200);
      if ('expected' in testCase) expect(response.body.training_provider_billing_records[0].doc).toEqual(testCase.expected);
    }
    if (response.status !== 200) {
      const after = await service.call('GET', `/billingRunActions/tenant-a/${created.body.id}`, { token: service.token });
      expect(after.body).toEqual(created.body);
    }
  });
});
