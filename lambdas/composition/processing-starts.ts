import { StepFunctionsProcessingStarter } from '../adapters/step-functions/step-functions-processing-starter.ts';
import { starterConfig } from '../config.ts';
import type { StartDependencies } from '../use-cases/start-queued-processing.ts';
import { commonDependencies } from './shared.ts';

export { queuedStartOf } from '../adapters/sqs/queued-processing-starter.ts';

let starts: StartDependencies | undefined;

/** The consumer of the queue of starts: the records, and the processor it starts (only its bundle holds the Step Functions client). */
export function startDependencies(): StartDependencies {
  if (!starts) {
    const config = starterConfig();
    starts = { ...commonDependencies(), processor: StepFunctionsProcessingStarter.forStateMachine(config.stateMachineArn, config.region) };
  }
  return starts;
}
