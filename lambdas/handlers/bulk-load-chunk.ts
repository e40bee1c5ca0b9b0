import type { Context } from 'aws-lambda';
import { bulkRunDependencies, uploadedFile } from '../composition/bulk-load.ts';
import type { LineRange } from '../domain/ndjson-lines.ts';
import { bulkLoadStep } from '../stack-functions.ts';
import { step } from '../invocation.ts';
import { giveUpChunk, loadChunk } from '../use-cases/bulk-load-steps.ts';

/**
 * Step 2, in the Distributed Map: one batch of lines (run again on a retry, it loads nothing twice).
 * With `error` (its retries are spent), it gives the batch up: what was written counts, the rest are line errors.
 */
export const handler = (
  event: { bucket: string; key: string; version: string; tenantId: string; loadId: string; batch: LineRange; error?: { Error?: string } },
  context: Context,
) =>
  step(
    bulkLoadStep('chunk').operation,
    context,
    async () => {
      const { file } = uploadedFile(event);
      const deps = bulkRunDependencies();
      if (event.error) return giveUpChunk(deps, file, event.tenantId, event.loadId, event.batch, event.error.Error ?? 'an unknown error');
      return loadChunk(deps, file, event.tenantId, event.loadId, event.batch);
    },
    event.tenantId,
  );
