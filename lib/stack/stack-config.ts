import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import type { BillingRunActionsStackProps } from './billing-run-actions-stack.ts';
import { stageThrottleFrom, tiersFrom } from './tiers.ts';
import { alarmThresholdsFrom } from './alarm-thresholds.ts';
import { JWKS_URL_PATTERN, NEW_TABLE_WRITE_UNITS, loadsWriteUnits } from './api-settings.ts';

/** A stage name goes into the stack name and every physical name, as CloudFormation and API Gateway accept it. */
const STAGE_PATTERN = /^[A-Za-z][A-Za-z0-9-]{0,19}$/;

/** The stack's name: `BillingRunActions`, or `BillingRunActions-<stage>` with context `stage`. */
export function stackNameFrom(node: Node): string {
  const stage: unknown = node.tryGetContext('stage');
  if (stage === undefined) return 'BillingRunActions';
  if (typeof stage !== 'string' || !STAGE_PATTERN.test(stage)) {
    throw new Error("CDK context 'stage' must be a letter then up to 19 letters, digits or '-' (e.g. dev, prod, eu-test)");
  }
  return `BillingRunActions-${stage}`;
}

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
  const optionalText = (name: string): string | undefined => (node.tryGetContext(name) === undefined ? undefined : text(name));
  const jwksUrl = optionalText('jwksUrl');
  if (jwksUrl !== undefined && !JWKS_URL_PATTERN.test(jwksUrl)) throw new Error("CDK context 'jwksUrl' must be an https:// URL");
  const tiers = tiersFrom(node.tryGetContext('tiers'));
  const alarmEmail = optionalText('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error("CDK context 'alarmEmail' must be an e-mail address");
  }
  const stageThrottle = stageThrottleFrom(tiers, node.tryGetContext('stageThrottle'));
  const waf: unknown = node.tryGetContext('waf') ?? true;
  if (![true, false, 'true', 'false'].includes(waf as never)) throw new Error("CDK context 'waf' must be true or false");
  // API Gateway's CloudWatch role is one setting per account and region: the unstaged stack sets it,
  // a staged one only when told to (see docs/operations.md).
  const apiGatewayAccount: unknown = node.tryGetContext('apiGatewayAccount') ?? node.tryGetContext('stage') === undefined;
  if (![true, false, 'true', 'false'].includes(apiGatewayAccount as never)) {
    throw new Error("CDK context 'apiGatewayAccount' must be true or false");
  }
  // The records table's and its indexes' warm throughput (AWS: a new on-demand table takes 4,000 write units a second at once).
  const warmWriteUnits = node.tryGetContext('warmWriteUnits') === undefined ? undefined : number('warmWriteUnits', 4_000);
  if (warmWriteUnits !== undefined && warmWriteUnits < NEW_TABLE_WRITE_UNITS) {
    throw new Error("CDK context 'warmWriteUnits' must be at least 4000, a new on-demand table's own warm throughput");
  }
  // How many of the lookups' status indexes the records table has (all four unless an upgrade adds them one a deploy).
  const statusIndexes = node.tryGetContext('statusIndexes') === undefined ? 4 : Number(node.tryGetContext('statusIndexes'));
  if (!Number.isInteger(statusIndexes) || statusIndexes < 0 || statusIndexes > 4) {
    throw new Error("CDK context 'statusIndexes' must be a whole number from 0 to 4 (docs/operations.md, Upgrading)");
  }
  return {
    issuer: optionalText('issuer'),
    statusIndexes,
    jwksUrl,
    audience: text('audience', 'billing-run-actions'),
    tenantClaim: text('tenantClaim', 'tenant_id'),
    tiers,
    stageThrottle,
    // Unless set: what one client IP may send in 5 minutes at the stage's steady rate.
    wafRateLimitPerFiveMinutes: (waf === true || waf === 'true') && number('wafRateLimitPerFiveMinutes', stageThrottle.rateLimit * 300),
    ...(processorStateMachineArn && { processorStateMachineArn: processorStateMachineArn as string }),
    processingTimeout: Duration.hours(number('processingTimeoutHours', 24)),
    logRetention: retention as RetentionDays,
    apiGatewayAccount: apiGatewayAccount === true || apiGatewayAccount === 'true',
    deletedRetentionDays: number('deletedRetentionDays', 30),
    cursorKeyGraceHours: number('cursorKeyGraceHours', 24),
    alarmThresholds: alarmThresholdsFrom(node.tryGetContext('alarmThresholds')),
    bulkLoad: {
      concurrency: number('bulkLoadConcurrency', 20),
      batchLines: number('bulkLoadBatchLines', 500),
      uploadRetentionDays: number('bulkLoadUploadRetentionDays', 7),
      writeUnitsPerSecond: loadsWriteUnits(warmWriteUnits ?? NEW_TABLE_WRITE_UNITS),
    },
    ...(alarmEmail !== undefined && { alarmEmail }),
    ...(warmWriteUnits !== undefined && { warmWriteUnits }),
  };
}
