import { type BulkLoad, startBulkLoadSchema } from '../domain/bulk-load.ts';
import type { Caller } from '../domain/caller.ts';
import { parseOrThrow } from '../domain/validation.ts';
import type { UploadTarget } from '../ports/bulk-load-files.ts';
import type { With } from './dependencies.ts';
import { idempotencyClaim } from './shared/idempotency.ts';

export type LoadWithUpload = BulkLoad & { upload?: UploadTarget };

/**
 * Starts a load: stores it `awaiting upload` and answers where to send the file. The same
 * Idempotency-Key and body answer the same load (with a fresh upload target while it still waits).
 */
export async function startBulkLoad(
  deps: With<'bulkLoads'>,
  caller: Caller,
  input: { body: unknown; idempotencyKey?: string },
): Promise<{ load: LoadWithUpload; replayed: boolean }> {
  const { source_file } = parseOrThrow(startBulkLoadSchema, input.body, 'bulk load');
  const { loads, uploads } = deps.bulkLoads;
  const now = deps.clock();
  const { load, replayed } = await loads.create(
    caller.tenantId,
    {
      id: deps.newId(),
      status: 'awaiting upload',
      source_file,
      loaded: 0,
      failed: 0,
      created_at: now.toISOString(),
      created_by: { principal: caller.principal, source_ip: caller.sourceIp, user_agent: caller.userAgent, request_id: caller.requestId },
    },
    idempotencyClaim(input.idempotencyKey, input.body, now),
  );
  if (load.status !== 'awaiting upload') return { load, replayed };
  return { load: { ...load, upload: await uploads.targetFor(caller.tenantId, load.id) }, replayed };
}
