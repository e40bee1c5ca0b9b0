import type { Context, EventBridgeEvent } from 'aws-lambda';
import { openExecutions } from '../composition/processing-starts.ts';
import { logger } from '../logger.ts';
import { count } from '../metrics.ts';
import { invocation } from '../invocation.ts';
import { PROCESSING_ENDED } from '../stack-functions.ts';
import { type EndedExecution, closeEndedExecution } from '../use-cases/close-ended-execution.ts';

/**
 * The target of the EventBridge rule on the processor's executions that ended (lib/stack/constructs/
 * processing-starts.ts): each gives its tenant's place back. A failure throws, and EventBridge tries the
 * event again (then its dead-letter queue).
 */
export const handler = (event: EventBridgeEvent<'Step Functions Execution Status Change', EndedExecution>, context: Context) =>
  invocation(
    PROCESSING_ENDED.operation,
    context,
    () =>
      closeEndedExecution(
        {
          executions: openExecutions(),
          count,
          reportError: (error, details) => logger.error('ended execution not closed', { ...details, error: error as Error }),
        },
        event.detail,
      ),
    { message: 'ended execution closed' },
  );
