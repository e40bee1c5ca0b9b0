import { createHash } from 'node:crypto';
import type { BillingRunAction } from './record-schema.ts';

export const PROCESSING = 'processing';

/**
 * One processing attempt begins when a write moves a record into `processing`; its execution name is
 * derived from the tenant, the id and the version of that write, so every retry of the attempt names
 * the same execution. Step Functions names allow 80 characters of [A-Za-z0-9_-].
 */
export function executionName(tenantId: string, id: string, version: number): string {
  return `bra-${createHash('sha256').update(`${tenantId}\n${id}\n${version}`).digest('hex').slice(0, 64)}`;
}

/**
 * The execution a record in `processing` belongs to. While a record stays in processing, its execution
 * ARN is kept (a PUT that leaves it out does not start a new attempt); a record that enters processing,
 * or is in it without an execution of this processor, starts a new attempt named for this version.
 */
export function processingExecution(
  before: BillingRunAction | undefined,
  after: BillingRunAction,
  tenantId: string,
  processor: { executionArnFor(name: string): string; owns(arn: string): boolean },
): { name: string; arn: string } | undefined {
  if (after.status !== PROCESSING) return undefined;
  const kept = before?.status === PROCESSING ? before.step_function_execution_arn : undefined;
  if (kept && processor.owns(kept)) return { name: kept.slice(kept.lastIndexOf(':') + 1), arn: kept };
  const name = executionName(tenantId, after.id, after.sys_version);
  return { name, arn: processor.executionArnFor(name) };
}

/** The ARNs of one processor state machine's executions: an execution's ARN is the machine's with `:execution:` and its name. */
export function processorExecutions(stateMachineArn: string): { executionArnFor(name: string): string; owns(arn: string): boolean } {
  const prefix = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  return {
    executionArnFor: (name) => `${prefix}${name}`,
    owns: (arn) => arn.startsWith(prefix),
  };
}
