import { processorExecutions } from '../../lambdas/domain/processing.ts';
import type { ProcessingStarter, QueuedStart } from '../../lambdas/ports/processing-starter.ts';

/** The processor of the in-memory tests' state machine, by ARN. */
const TEST_STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:processor';

/** A processor whose starts are kept in a list, as the queue of starts would hold them: the use cases' default in the tests. */
export function startsKept(): ProcessingStarter & { started: QueuedStart[] } {
  const started: QueuedStart[] = [];
  return {
    ...processorExecutions(TEST_STATE_MACHINE),
    started,
    start: async (name, input) => {
      started.push({ name, ...input });
    },
  };
}
