import { METRIC } from '../domain/metric-names.ts';
import type { OpenExecutions } from '../ports/open-executions.ts';
import type { ActionDependencies } from './dependencies.ts';

/** What Step Functions says of an execution that ended ("Step Functions Execution Status Change" on EventBridge): its name and input. */
export interface EndedExecution {
  name: string;
  /** The execution's input, a JSON string: the starter gave it the record's tenant (ProcessingInput). */
  input: string | null | undefined;
}

/**
 * An execution of the processor ended (succeeded, failed, timed out or was aborted): it gives its
 * tenant's place back. EventBridge delivers an event at least once, and a place is given back once
 * however often (OpenExecutions.close). An execution whose input names no tenant was not started by
 * this service's starter and held no place: it is reported and left.
 */
export async function closeEndedExecution(
  deps: Pick<ActionDependencies, 'count' | 'reportError'> & { executions: OpenExecutions },
  ended: EndedExecution,
): Promise<{ tenantId?: string }> {
  const tenantId = tenantOf(ended.input);
  if (!tenantId) {
    deps.reportError(new Error('An ended execution names no tenant: no place to give back'), {
      execution: ended.name,
      step: 'close an ended execution',
    });
    return {};
  }
  await deps.executions.close(tenantId, ended.name);
  deps.count(METRIC.processingExecutionsClosed);
  return { tenantId };
}

function tenantOf(input: string | null | undefined): string | undefined {
  try {
    const { tenantId } = JSON.parse(input ?? 'null') as { tenantId?: unknown };
    return typeof tenantId === 'string' && tenantId !== '' ? tenantId : undefined;
  } catch {
    return undefined;
  }
}
