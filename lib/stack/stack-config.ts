import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { BillingRunActionsStackProps } from './billing-run-actions-stack.ts';
import { tiersFrom } from './tiers.ts';

/** Every value the stack takes from CDK context (cdk.json, or `-c name=value`), checked once. */
export function stackConfigFrom(node: Node): Omit<BillingRunActionsStackProps, keyof import('aws-cdk-lib').StackProps> {
  const text = (name: string, fallback?: string): string => {
    const value: unknown = node.tryGetContext(name) ?? fallback;
    if (typeof value !== 'string' || value === '') throw new Error(`CDK context '${name}' must be a non-empty string`);
    return value;
  };
  const number = (name: string, fallback: number): number => {
    const value = Number(node.tryGetContext(name) ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`CDK context '${name}' must be a positive whole number`);
    return value;
  };
  const processorStateMachineArn: unknown = node.tryGetContext('processorStateMachineArn');
  if (
    processorStateMachineArn !== undefined &&
    (typeof processorStateMachineArn !== 'string' || !/^arn:aws[\w-]*:states:/.test(processorStateMachineArn))
  ) {
    throw new Error("CDK context 'processorStateMachineArn' must be a Step Functions state machine ARN");
  }
  const logRetentionDays = number('logRetentionDays', 30);
  const retention = Object.values(RetentionDays).find((days) => days === logRetentionDays);
  if (retention === undefined)
    throw new Error(`CDK context 'logRetentionDays' must be a CloudWatch Logs retention (e.g. 7, 14, 30, 90, 365)`);
  return {
    issuer: text('issuer'),
    jwksUrl: text('jwksUrl'),
    audience: text('audience', 'billing-run-actions'),
    tenantClaim: text('tenantClaim', 'tenant_id'),
    tiers: tiersFrom(node.tryGetContext('tiers')),
    ...(processorStateMachineArn && { processorStateMachineArn: processorStateMachineArn as string }),
    processingTimeout: Duration.hours(number('processingTimeoutHours', 24)),
    logRetention: retention as RetentionDays,
    deletedRetentionDays: number('deletedRetentionDays', 30),
    cursorKeyGraceHours: number('cursorKeyGraceHours', 24),
  };
}
