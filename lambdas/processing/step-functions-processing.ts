import { SFNClient } from '@aws-sdk/client-sfn';
import { logger } from '../middleware/logger.ts';
import type { ProcessingStarter } from './processing-starter.ts';
import { StepFunctionsProcessingStarter } from './step-functions-processing-starter.ts';

let starter: ProcessingStarter | undefined;
let configured = false;

/**
 * The processor of the functions that can leave a record in processing (their handler modules import
 * this; the others never bundle the Step Functions client). A static import measured faster at cold
 * start than a lazy one: esbuild can tree-shake it, and evaluating it costs less than parsing more.
 * Without STATE_MACHINE_ARN, as locally, writes succeed and nothing starts, which the function says once.
 */
export function stepFunctionsProcessing(): ProcessingStarter | undefined {
  if (!configured) {
    configured = true;
    const stateMachineArn = process.env.STATE_MACHINE_ARN;
    if (stateMachineArn) {
      starter = new StepFunctionsProcessingStarter(new SFNClient({ region: process.env.AWS_REGION }), stateMachineArn);
    } else {
      logger.info('STATE_MACHINE_ARN is not set: writes succeed and no processing execution starts');
    }
  }
  return starter;
}
