import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import type { TenantRegistry } from '../../lambdas/ports/tenant-registry.ts';
import { type RunningDynamoDb, startDynamoDbLocal } from './dynamodb-local.ts';
import { type CapacityEmulator, startCapacityEmulator } from './capacity/emulator.ts';
import { type CapacitySettings, effective } from './capacity/settings.ts';
import { type GatewayOptions, type RunningGateway, startLocalGateway } from './gateway.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalIssuer, localIssuer } from './issuer.ts';
import { type TableNames, ensureTables, summariesTableOf } from './tables.ts';
import { migrateLookupShards } from './lookup-shards-migration.ts';
import { backfillStatusKeys } from '../tables/status-keys-backfill.ts';
import { backfillSummaries } from '../tables/summary-backfill.ts';
import { type LocalChanges, localChanges } from './streams/local-changes.ts';
import type { StreamHandler } from './streams/local-stream-source.ts';
import { provisionTenant } from '../tenants/tenant-provisioning.ts';
import { AUTHORIZER_CACHE_TTL_SECONDS, loadsWriteUnits } from '../stack/api-settings.ts';
import { referencePages } from './reference-pages.ts';
import { LocalBulkLoadRunner } from './bulk-load-runner.ts';
import { type StageThrottle, type Tiers, stageThrottleFrom, tiersFrom } from '../stack/tiers.ts';
import { LocalStageThrottle, LocalUsagePlans, cachedTierLookup } from './usage-plans.ts';
import { type LocalProcessing, startLocalProcessing } from './processing/local-processing.ts';
import { type WorkerSetting, processingFrom } from './processing/workers.ts';

export const DEFAULT_TABLES: TableNames = { tableName: 'billing-run-actions', tenantsTableName: 'billing-run-actions-tenants' };
const REGION = 'us-east-1';

export interface LocalServiceOptions {
  dataDir: string;
  port: number;
  host?: string;
  /** Keep DynamoDB in memory instead of under the data directory (tests). */
  inMemory?: boolean;
  /** Use this DynamoDB endpoint rather than starting DynamoDB Local (its tables are made if missing). */
  dynamoDbEndpoint?: string;
  /** DynamoDB's capacity limits, emulated in front of it (lib/local/capacity/); off unless given (`npm start` gives AWS's). */
  capacity?: CapacitySettings | 'off';
  tables?: TableNames;
  /** Tenants to provision at start. */
  tenants?: string[];
  /** The tiers' limits; by default those of lib/stack/tiers.ts with the TIERS environment variable applied. */
  tiers?: Tiers;
  /** How many batches of a bulk load run at once; by default BULK_LOAD_CONCURRENCY, else 4. */
  bulkLoadConcurrency?: number;
  /** Seconds authorizer decisions are cached; by default AUTHORIZER_CACHE_TTL, else as deployed. */
  authorizerCacheTtlSeconds?: number;
  /** Processing: who works the actions and how long a worker has; by default LOCAL_WORKER, LOCAL_WORKER_DELAY_MS and PROCESSING_TIMEOUT_SECONDS. */
  processing?: { worker: WorkerSetting; timeoutMs: number };
  /**
   * The change stream's consumer (run summaries, change events): on by default, as in AWS; tests that
   * are about something else may leave it off, and tests of it may wrap its handler to make it fail.
   */
  changes?: 'off' | { wrap?: (handler: StreamHandler) => StreamHandler; webhookUrl?: string };
  /** AWS's limits, lowered by tests that need to meet them (see GatewayOptions). */
  limits?: Pick<GatewayOptions, 'functionTimeoutMs' | 'integrationTimeoutMs' | 'lambdaResponseLimitBytes'> & {
    /** The stage's method throttle; by default from the tiers and STAGE_THROTTLE, as the stack's. */
    stageThrottle?: StageThrottle;
  };
}

export interface LocalService {
  url: string;
  /** The bulk load runner (tests wait on it). */
  bulkLoads: LocalBulkLoadRunner;
  /** The queue of starts, the processor and its worker, as they run in AWS. */
  processing: LocalProcessing;
  /** The change stream's consumer and the local event bus, unless turned off. */
  changes?: LocalChanges;
  /** Where the functions reach DynamoDB: the capacity emulator's endpoint when it runs, else DynamoDB's. */
  dynamoDbEndpoint: string;
  /** The capacity emulator, when it runs (its report says what it throttled). */
  capacity?: CapacityEmulator;
  issuer: LocalIssuer;
  tenants: TenantRegistry;
  stop(): Promise<void>;
}

/** What a running instance leaves under its data directory for `npm run token` and `npm run tenants`. */
export interface InstanceFile extends TableNames {
  pid: number;
  url: string;
  dynamoDbEndpoint: string;
}

const instanceFilePath = (dataDir: string): string => join(resolve(dataDir), 'instance.json');

export function readInstanceFile(dataDir: string): InstanceFile | undefined {
  const file = instanceFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  const instance = JSON.parse(readFileSync(file, 'utf8')) as InstanceFile;
  try {
    process.kill(instance.pid, 0);
    return instance;
  } catch {
    return undefined;
  }
}

function bulkLoadConcurrencyFrom(raw: string | undefined): number {
  const value = Number(raw ?? 4);
  if (!Number.isInteger(value) || value < 1 || value > 64) throw new Error('BULK_LOAD_CONCURRENCY must be a whole number from 1 to 64');
  return value;
}

/** A secret of this data directory, made at its first use and kept (the cursor key, the upload URLs' key). */
function storedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/**
 * The whole service on one machine: DynamoDB Local, the tables, the local issuer, and the local
 * gateway running the real handlers. The functions are configured through the same environment
 * variables the CDK stack sets on them.
 */
export async function startLocalService(options: LocalServiceOptions): Promise<LocalService> {
  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const tables = options.tables ?? DEFAULT_TABLES;
  const host = options.host ?? '127.0.0.1';

  let dynamoDb: RunningDynamoDb | undefined;
  const dynamoDbEndpoint =
    options.dynamoDbEndpoint ??
    (dynamoDb = await startDynamoDbLocal({ dataDir: options.inMemory ? undefined : join(dataDir, 'dynamodb') })).endpoint;
  const capacity =
    options.capacity && options.capacity !== 'off' ? await startCapacityEmulator(dynamoDbEndpoint, options.capacity) : undefined;
  const endpoint = capacity?.url ?? dynamoDbEndpoint;
  const client = createDocumentClient({ region: REGION, endpoint });
  let gateway: RunningGateway | undefined;
  let processing: LocalProcessing | undefined;
  let changes: LocalChanges | undefined;
  try {
    await ensureTables(client, tables, { stream: options.changes !== 'off' });
    if (!options.inMemory) {
      await migrateLookupShards(client, tables.tableName);
      await backfillStatusKeys(client, tables.tableName);
      await backfillSummaries(client, tables.tableName, summariesTableOf(tables));
    }
    const issuer = await localIssuer(dataDir);
    const tenants = new DynamoDbTenantRegistry(client, tables.tenantsTableName);
    for (const tenantId of options.tenants ?? []) await provisionTenant(tenants, tenantId, { keepExisting: true });

    Object.assign(process.env, {
      TABLE_NAME: tables.tableName,
      TENANTS_TABLE_NAME: tables.tenantsTableName,
      SUMMARIES_TABLE_NAME: summariesTableOf(tables),
      DYNAMODB_ENDPOINT: endpoint,
      AWS_REGION: process.env.AWS_REGION ?? REGION,
      CURSOR_SECRET: storedSecret(dataDir, 'cursor-secret'),
      LOCAL_UPLOAD_URL: `http://${host}:${options.port}`,
      LOCAL_UPLOAD_SECRET: storedSecret(dataDir, 'upload-secret'),
      JWT_ISSUER: LOCAL_ISSUER,
      JWT_AUDIENCE: LOCAL_AUDIENCE,
      JWKS_URL: `http://${host}:${options.port}/.well-known/jwks.json`,
    });
    // The loads' pace, as the stack gives the chunk function: a share of the table's (emulated) write rate.
    if (options.capacity && options.capacity !== 'off') {
      process.env.BULK_LOAD_WRITE_UNITS = String(loadsWriteUnits(effective(options.capacity).tableWrite));
    } else delete process.env.BULK_LOAD_WRITE_UNITS;
    const tiers = options.tiers ?? tiersFrom(process.env.TIERS);
    const usagePlans = new LocalUsagePlans(
      tiers,
      cachedTierLookup(async () => new Map((await tenants.list()).map((tenant) => [tenant.usageIdentifierKey, tenant.tier]))),
    );
    const authorizerCacheTtlSeconds =
      options.authorizerCacheTtlSeconds ?? Number(process.env.AUTHORIZER_CACHE_TTL ?? AUTHORIZER_CACHE_TTL_SECONDS);
    if (!Number.isInteger(authorizerCacheTtlSeconds) || authorizerCacheTtlSeconds < 0) {
      throw new Error('AUTHORIZER_CACHE_TTL must be a whole number of seconds');
    }
    const { stageThrottle, ...limits } = options.limits ?? {};
    const bulkLoads = new LocalBulkLoadRunner({
      dataDir,
      secret: process.env.LOCAL_UPLOAD_SECRET as string,
      concurrency: options.bulkLoadConcurrency ?? bulkLoadConcurrencyFrom(process.env.BULK_LOAD_CONCURRENCY),
      // Behind the capacity emulator, the loads' calls wait for the API's (lib/local/capacity/interactive-first.ts).
      dynamoDbEndpoint: capacity?.backgroundUrl,
    });
    processing = await startLocalProcessing({
      region: process.env.AWS_REGION as string,
      dynamoDbEndpoint: capacity?.backgroundUrl ?? endpoint,
      tableName: tables.tableName,
      ...(options.processing ?? processingFrom(process.env)),
    });
    changes =
      options.changes === 'off'
        ? undefined
        : localChanges({
            ...{ dataDir, inMemory: options.inMemory ?? false, region: process.env.AWS_REGION as string, tableName: tables.tableName },
            ...{ streamEndpoint: dynamoDbEndpoint, storageEndpoint: capacity?.backgroundUrl ?? endpoint, wrap: options.changes?.wrap },
            webhookUrl: options.changes?.webhookUrl ?? process.env.EVENTS_WEBHOOK_URL,
          });
    gateway = await startLocalGateway({
      uploads: bulkLoads,
      // One object: the queue's URL is set on it once the gateway listens.
      aws: Object.assign(processing.aws, changes && { events: changes.bus }),
      port: options.port,
      host,
      usagePlans,
      stageThrottle: new LocalStageThrottle(stageThrottle ?? stageThrottleFrom(tiers, process.env.STAGE_THROTTLE)),
      authorizerCacheTtlSeconds,
      ...limits,
      pages: {
        '/.well-known/jwks.json': { contentType: 'application/json', body: JSON.stringify(issuer.jwks) },
        ...referencePages(`http://${host}:${options.port}`),
      },
    });
    // The writers' SQS client and the starter's Step Functions client reach the local ones (placeholder credentials, as for DynamoDB Local).
    Object.assign(process.env, processing.listenAt(gateway.url));
    if (changes) Object.assign(process.env, changes.listenAt(gateway.url));
    const instance: InstanceFile = { pid: process.pid, url: gateway.url, dynamoDbEndpoint: endpoint, ...tables };
    writeFileSync(instanceFilePath(dataDir), JSON.stringify(instance, null, 2));

    const running = gateway;
    const runningProcessing = processing;
    const runningChanges = changes;
    bulkLoads.resume();
    return {
      url: gateway.url,
      dynamoDbEndpoint: endpoint,
      ...(capacity && { capacity }),
      issuer,
      tenants,
      bulkLoads,
      processing,
      ...(changes && { changes }),
      stop: async () => {
        await runningChanges?.stop(); // first: its batch in hand puts its events on the gateway's endpoint
        await running.stop();
        await bulkLoads.stop();
        await runningProcessing.stop();
        client.destroy();
        rmSync(instanceFilePath(dataDir), { force: true });
        await capacity?.stop();
        await dynamoDb?.stop();
      },
    };
  } catch (error) {
    await gateway?.stop();
    await processing?.stop();
    await changes?.stop();
    client.destroy();
    await capacity?.stop();
    await dynamoDb?.stop();
    throw error;
  }
}
