import type { Context } from 'aws-lambda';
import { bulkStepDependencies, uploadedFile } from '../composition/bulk-load.ts';
import { bulkLoadStep } from '../stack-functions.ts';
import { step } from '../invocation.ts';
import { readThrough } from '../use-cases/bulk-load-steps.ts';

/** Step 1 of the bulk load state machine, on the upload's S3 event: claims the load, writes its batches, and says whether they are to be loaded. */
export const handler = (event: { bucket: string; key: string; version: string }, context: Context) =>
  step(bulkLoadStep('prepare').operation, context, async () => {
    const { tenantId, loadId, batchesKey, file } = uploadedFile(event);
    const load = await readThrough(bulkStepDependencies(), file, tenantId, loadId);
    return { ...event, tenantId, loadId, batchesKey, status: load?.status ?? 'not ours' };
  });
