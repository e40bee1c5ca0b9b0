import { logger } from '../middleware/logger.ts';
import type { ProcessingStarter } from './processing-starter.ts';
import { StepFunctionsProcessingStarter } from './step-functions-processing-starter.ts';

let starter: ProcessingStarter | undefined;
let configured = false;

/**
 * The processor of the functions that can leave a record in processing (their handler modules import
 * this; the others never bundle the Step Functions client). Without STATE_MACHINE_ARN, as locally,
 * writes succeed and nothing starts, which the function says once.
 */
export function stepFunctionsProcessing(): ProcessingStarter | undefined {
  if (!configured) {
    configured = true;
    const stateMachineArn = process.env.STATE_MACHINE_ARN;
    if (stateMachineArn) {
      starter = new StepFunctionsProcessingStarter(stateMachineArn, async () => {
        const sdk = await import('@aws-sdk/client-sfn');
        return { sdk, client: new sdk.SFNClient({ region: process.env.AWS_REGION }) };
      });
    } else {
      logger.info('STATE_MACHINE_ARN is not set: writes succeed and no processing execution starts');
    }
  }
  return starter;
}
