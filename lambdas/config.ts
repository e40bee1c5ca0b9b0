/**
 * Everything the functions read from their environment, in one place (Powertools reads its own
 * POWERTOOLS_* variables). The CDK stack sets these on each function; the local gateway sets them on
 * its own process before it loads the handlers. The composition root (lambdas/composition/) is the reader.
 */
export interface DynamoDbConfig {
  /** Only for DynamoDB Local; unset in AWS. */
  dynamoDbEndpoint: string | undefined;
  region: string;
  /** How long one attempt of a DynamoDB call may take (DYNAMODB_ATTEMPT_TIMEOUT_MS); unset: the adapter's own default. */
  attemptTimeoutMs: number | undefined;
}

export interface ServiceConfig extends DynamoDbConfig {
  tableName: string;
  tenantsTableName: string;
  deletedRetentionDays: number;
  batchConcurrency: number;
  /** Whether a list may filter by status (STATUS_LISTS, `off` while the stack has not got its status index yet). */
  statusLists: boolean;
}

/**
 * Where the list cursors' signing key comes from: a Secrets Manager secret read at run time (AWS:
 * CURSOR_SECRET_ARN, with CURSOR_KEY_GRACE_HOURS for the previous key after a rotation), or a fixed key
 * (local runs: CURSOR_SECRET).
 */
export type CursorKeyConfig = { secretArn: string; graceHours: number; region: string } | { secret: string };

export function cursorKeyConfig(): CursorKeyConfig {
  const secretArn = process.env.CURSOR_SECRET_ARN;
  if (secretArn) return { secretArn, graceHours: positiveInteger('CURSOR_KEY_GRACE_HOURS', 24), region: dynamoDbConfig().region };
  return { secret: required('CURSOR_SECRET') };
}

export interface AuthConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  tenantClaim: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`Environment variable ${name} must be a positive integer`);
  return value;
}

function dynamoDbConfig(): DynamoDbConfig {
  return {
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    region: process.env.AWS_REGION || 'us-east-1',
    attemptTimeoutMs: process.env.DYNAMODB_ATTEMPT_TIMEOUT_MS ? positiveInteger('DYNAMODB_ATTEMPT_TIMEOUT_MS', 0) : undefined,
  };
}

export function tenantRegistryConfig(): DynamoDbConfig & { tenantsTableName: string } {
  return { ...dynamoDbConfig(), tenantsTableName: required('TENANTS_TABLE_NAME') };
}

export function serviceConfig(): ServiceConfig {
  return {
    ...dynamoDbConfig(),
    tableName: required('TABLE_NAME'),
    tenantsTableName: required('TENANTS_TABLE_NAME'),
    deletedRetentionDays: positiveInteger('DELETED_RETENTION_DAYS', 30),
    batchConcurrency: positiveInteger('BATCH_CONCURRENCY', 50),
    statusLists: process.env.STATUS_LISTS !== 'off',
  };
}

/**
 * The processor state machine (STATE_MACHINE_ARN) and the queue of its starts (PROCESSING_QUEUE_URL),
 * set together on the functions that may start processing (the writers hand starts to the queue) and on
 * the queue's consumer (which starts the executions, and puts a start over its tenant's cap back); the
 * local service sets its own.
 */
export function processingConfig(): { stateMachineArn: string; queueUrl: string; region: string; local: boolean } {
  return {
    stateMachineArn: required('STATE_MACHINE_ARN'),
    queueUrl: required('PROCESSING_QUEUE_URL'),
    region: dynamoDbConfig().region,
    // LOCAL_AWS_ENDPOINTS: the queue and the processor are the local service's (its clients sign with placeholder credentials).
    local: process.env.LOCAL_AWS_ENDPOINTS === 'true',
  };
}

/** The run summaries' own table (SUMMARIES_TABLE_NAME): the stream consumer's counting, the summary operation's reads. */
export function summariesConfig(): { summariesTableName: string } {
  return { summariesTableName: required('SUMMARIES_TABLE_NAME') };
}

/** The stream consumer's bus for the change events (EVENT_BUS_NAME); locally the local service's (LOCAL_AWS_ENDPOINTS). */
export function changeEventsConfig(): { busName: string; region: string; local: boolean } {
  return { busName: required('EVENT_BUS_NAME'), region: dynamoDbConfig().region, local: process.env.LOCAL_AWS_ENDPOINTS === 'true' };
}

export function authConfig(): AuthConfig {
  return {
    issuer: required('JWT_ISSUER'),
    audience: required('JWT_AUDIENCE'),
    jwksUrl: required('JWKS_URL'),
    tenantClaim: process.env.TENANT_CLAIM || 'tenant_id',
  };
}

/** The scheduled sweep (besides the service's tables): after how long in processing a record is stuck. */
export function sweepConfig(): { stuckAfterMinutes: number } {
  return { stuckAfterMinutes: positiveInteger('STUCK_AFTER_MINUTES', 30 * 60) };
}

/**
 * Where bulk load files go: an S3 bucket in AWS (BULK_LOAD_BUCKET, uploads by presigned PUT), or the
 * local service itself (LOCAL_UPLOAD_URL, its upload URLs signed with LOCAL_UPLOAD_SECRET).
 */
export type BulkLoadConfig = { bucket: string; region: string } | { localUrl: string; localSecret: string };

export function bulkLoadConfig(): BulkLoadConfig {
  const bucket = process.env.BULK_LOAD_BUCKET;
  if (bucket) return { bucket, region: dynamoDbConfig().region };
  return { localUrl: required('LOCAL_UPLOAD_URL'), localSecret: required('LOCAL_UPLOAD_SECRET') };
}

/** The bulk load runner: how many lines, and bytes, one batch takes (the local runner's concurrency is its own). */
export function bulkBatchConfig(): { maxLines: number; maxBytes: number } {
  return { maxLines: positiveInteger('BULK_BATCH_LINES', 500), maxBytes: positiveInteger('BULK_BATCH_BYTES', 4 * 1024 * 1024) };
}

/**
 * The loads' shared pace (BULK_LOAD_WRITE_UNITS): the write units a second all bulk loads together may
 * take (the stack gives 85% of the records table's warm write throughput); unset, loads are not paced.
 */
export function bulkPaceConfig(): { writeUnitsPerSecond: number } | undefined {
  if (!process.env.BULK_LOAD_WRITE_UNITS) return undefined;
  return { writeUnitsPerSecond: positiveInteger('BULK_LOAD_WRITE_UNITS', 1) };
}

/**
 * The CloudWatch namespace of the functions' metrics: the stack's name (the stack sets
 * POWERTOOLS_METRICS_NAMESPACE), so that two stages in one account keep their figures apart.
 */
export function metricsNamespace(): string {
  return process.env.POWERTOOLS_METRICS_NAMESPACE || 'BillingRunActions';
}
