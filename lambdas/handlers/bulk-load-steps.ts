import type { Context } from 'aws-lambda';
import { bulkRunDependencies, uploadedFile } from '../composition.ts';
import type { LineRange } from '../domain/ndjson-lines.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { loadOfUploadKey } from '../storage/upload-keys.ts';
import { failLoad, finishLoad, giveUpChunk, loadChunk, readThrough } from '../use-cases/bulk-load-steps.ts';

/**
 * The functions of the bulk load state machine (not API operations): one module, one bundle, a
 * handler per step (read the uploaded file through, load one batch, end the load), each its own
 * function with its own role. Each logs with its Lambda context and sends the metrics it counted.
 */
interface UploadedObject {
  bucket: string;
  key: string;
  version: string;
}

/** What a step's log line tells of its result: the load and its counts, never a record. */
const SUMMARY = ['tenantId', 'loadId', 'id', 'status', 'lines', 'loaded', 'failed'];

/**
 * One step's invocation, also as the local runner runs it: one log line with its Lambda context and
 * the result's counts, and the metrics it counted.
 */
export async function step<T>(name: string, context: Context, work: () => Promise<T>): Promise<T> {
  logger.addContext(context);
  metrics.addDimension('operation', name);
  try {
    const result = await work();
    const summary = Object.fromEntries(
      SUMMARY.flatMap((key) =>
        result && typeof result === 'object' && key in result ? [[key, (result as Record<string, unknown>)[key]]] : [],
      ),
    );
    logger.info('bulk load step', { operation: name, ...summary });
    return result;
  } finally {
    metrics.flush();
  }
}

/** Step 1, on the upload's S3 event: claims the load, writes its batches, and says whether they are to be loaded. */
export const prepare = (event: UploadedObject, context: Context) =>
  step('bulkLoadPrepare', context, async () => {
    const { tenantId, loadId, batchesKey, file } = uploadedFile(event);
    const load = await readThrough(bulkRunDependencies(), file, tenantId, loadId);
    return { ...event, tenantId, loadId, batchesKey, status: load?.status ?? 'not ours' };
  });

/**
 * Step 2, in the Distributed Map: one batch of lines (run again on a retry, it loads nothing twice).
 * With `error` (its retries are spent), it gives the batch up: what was written counts, the rest are line errors.
 */
export const chunk = (
  event: UploadedObject & { tenantId: string; loadId: string; batch: LineRange; error?: { Error?: string } },
  context: Context,
) =>
  step('bulkLoadChunk', context, async () => {
    const { file } = uploadedFile(event);
    const deps = bulkRunDependencies();
    if (event.error) return giveUpChunk(deps, file, event.tenantId, event.loadId, event.batch, event.error.Error ?? 'an unknown error');
    return loadChunk(deps, file, event.tenantId, event.loadId, event.batch);
  });

/** Step 3: after the map, the load's end; with `error` (the map or the read failed), the load fails with it. */
export const finish = (event: { key: string; error?: { Error?: string; Cause?: string } }, context: Context) =>
  step('bulkLoadFinish', context, async () => {
    const deps = bulkRunDependencies();
    const load = loadOfUploadKey(event.key);
    if (!load) throw new Error(`Not the key of a bulk load upload: ${event.key}`);
    if (event.error) {
      logger.error('bulk load stopped', { ...load, error: event.error.Error });
      await failLoad(deps, load.tenantId, load.loadId, `Loading stopped: ${event.error.Error ?? 'an unknown error'}`);
      return { ...load, status: 'failed' };
    }
    const ended = await finishLoad(deps, load.tenantId, load.loadId);
    return { ...load, status: ended?.status };
  });
