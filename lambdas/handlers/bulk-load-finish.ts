import type { Context } from 'aws-lambda';
import { bulkStepDependencies, uploadedLoad } from '../composition/bulk-load.ts';
import { logger } from '../logger.ts';
import { bulkLoadStep } from '../stack-functions.ts';
import { step } from '../invocation.ts';
import { failLoad, finishLoad } from '../use-cases/bulk-load-steps.ts';

/** Step 3: after the map, the load's end; with `error` (the map or the read failed), the load fails with it. */
export const handler = (event: { key: string; error?: { Error?: string; Cause?: string } }, context: Context) =>
  step(bulkLoadStep('finish').operation, context, async () => {
    const deps = bulkStepDependencies();
    const load = uploadedLoad(event.key);
    if (event.error) {
      logger.error('bulk load stopped', { ...load, error: event.error.Error });
      await failLoad(deps, load.tenantId, load.loadId, `Loading stopped: ${event.error.Error ?? 'an unknown error'}`);
      return { ...load, status: 'failed' };
    }
    const ended = await finishLoad(deps, load.tenantId, load.loadId);
    return { ...load, status: ended?.status };
  });
