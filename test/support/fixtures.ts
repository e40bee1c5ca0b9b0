import { randomUUID } from 'node:crypto';
import type { BulkLoad } from '../../lambdas/domain/bulk-load.ts';
import type { Caller } from '../../lambdas/domain/caller.ts';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { validFields } from '../../testkit/bodies.ts';
import { isLoadEnded } from '../../lambdas/domain/bulk-load.ts';

const STORED_AT = '2026-01-01T00:00:00.000Z';

/**
 * A record as the service would have stored it: the fields of validBody() with the server-managed ones
 * a create sets (id `id-1`, version 1, created by `u0` of tenant `t1`); override any of them.
 */
export function storedRecord(overrides: Partial<BillingRunAction> = {}): BillingRunAction {
  return {
    ...validFields(),
    id: 'id-1',
    sys_version: 1,
    sys_created_at: STORED_AT,
    sys_created_by_id: 'u0',
    sys_last_modified_at: STORED_AT,
    sys_last_modified_by_id: 'u0',
    sys_last_security_context: {
      principal: 'u0',
      tenant: 't1',
      source_ip: '127.0.0.1',
      user_agent: 'vitest',
      request_id: 'req-0',
      time: STORED_AT,
      operation: 'createBillingRunAction',
    },
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

/** Whether a bulk load, as read, has ended (it is neither waiting for its file nor loading). */
export const loadEnded = (load: { status?: unknown }): boolean => isLoadEnded(load.status);
