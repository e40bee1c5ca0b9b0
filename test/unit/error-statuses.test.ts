import { describe, expect, it } from 'vitest';
import * as errors from '../../lambdas/domain/errors.ts';
import { errorAnswer } from '../../lambdas/http/error-statuses.ts';

/** Every kind of error the domain exports, made with a message (or the arguments its constructor takes). */
const kinds = (Object.values(errors) as unknown[]).filter(
  (value): value is (new (message: string, n: number) => errors.ServiceError) & { name: string } =>
    typeof value === 'function' && value.prototype instanceof errors.ServiceError,
);

describe('the HTTP status of each domain error (lambdas/http/error-statuses.ts)', () => {
  it('gives every kind of error the domain exports a status of its own map', () => {
    expect(kinds.length).toBeGreaterThanOrEqual(11);
    for (const kind of kinds) {
      const error = new kind('x', 1);
      expect(errorAnswer(error).status, kind.name).toBeGreaterThanOrEqual(400);
    }
  });

  it.each([
    [errors.invalid('body', [{ path: 'a', message: 'bad' }]), 400, {}],
    [new errors.Unauthenticated(), 401, { 'WWW-Authenticate': 'Bearer' }],
    [errors.tenantNotProvisioned('t1'), 403, {}],
    [new errors.RecordLocked('r1'), 403, {}],
    [errors.notFound('r1'), 404, {}],
    [new errors.VersionConflict('moved on'), 409, {}],
    [errors.itemTooLarge('the record', 500_000, 400_000), 413, {}],
    [new errors.TooManyRequests('slow down', 2.5), 429, { 'Retry-After': '3' }],
    [new errors.TenantLimitReached('t1', 10), 429, {}],
    [errors.writeOutcomeUnknown('r1'), 503, { 'Retry-After': '1' }],
  ])('answers %s with %i and its headers', (error, status, headers) => {
    expect(errorAnswer(error)).toEqual({
      status,
      headers,
      body: { message: error.message, ...(error.details && { details: error.details }) },
    });
  });
});
