import { createDocumentClient } from '../adapters/dynamodb/document-client.ts';
import { DynamoDbOpenExecutions } from '../adapters/dynamodb/dynamodb-open-executions.ts';
import { DynamoDbRunSummaries } from '../adapters/dynamodb/dynamodb-run-summaries.ts';
import { DynamoDbStuckRecords } from '../adapters/dynamodb/dynamodb-stuck-records.ts';
import { DynamoDbTenantRegistry } from '../adapters/dynamodb/dynamodb-tenant-registry.ts';
import { JoseTokenVerifier } from '../adapters/jwks/jose-token-verifier.ts';
import { fixedCursorKeys } from '../adapters/local/fixed-cursor-keys.ts';
import { LocalUploadTargets } from '../adapters/local/local-upload-targets.ts';
import { S3UploadTargets } from '../adapters/s3/s3-upload-targets.ts';
import { SecretsManagerCursorKeys } from '../adapters/secrets-manager/secrets-manager-cursor-keys.ts';
import type { AuthorizerDependencies } from '../auth/authorize-request.ts';
import { authConfig, bulkLoadConfig, cursorKeyConfig, summariesConfig, sweepConfig, tenantRegistryConfig } from '../config.ts';
import { logger } from '../logger.ts';
import type { CursorKeys } from '../ports/cursor-keys.ts';
import type { RunSummaries } from '../ports/run-summaries.ts';
import type { BulkLoadAccess, ExtraName, Extras, With } from '../use-cases/dependencies.ts';
import type { SweepDependencies } from '../use-cases/sweep-stuck-processing.ts';
import { bulkLoadStore, commonDependencies, countCapacityEvent, storage } from './shared.ts';

export { processingStarter } from './shared.ts';

let keys: CursorKeys | undefined;
let summaries: RunSummaries | undefined;
let bulk: BulkLoadAccess | undefined;
let authorizer: AuthorizerDependencies | undefined;
let sweep: Omit<SweepDependencies, 'requestId' | 'remainingMs'> | undefined;

/**
 * An operation's dependencies: the common ones, plus the extras its handler names by their builders
 * (`processingStarter`, `cursorKeys`, `bulkLoads`), so that only the bundles that name one hold its
 * client. Which extras an operation must name follows from its route entry (`NeedsOf` in routes.ts);
 * the handler factory's types hold the two together. Built at the first request, then kept.
 */
export function resolver<N extends ExtraName = never>(extras: { [K in N]: () => Extras[K] } = {} as never): () => With<N> {
  let built: With<N> | undefined;
  return () => {
    if (!built) {
      const named = Object.entries(extras) as [N, () => Extras[N]][];
      built = { ...commonDependencies(), ...Object.fromEntries(named.map(([name, build]) => [name, build()])) } as With<N>;
    }
    return built;
  };
}

/** The runs' summaries, for the summary operation: the counters the stream consumer keeps in the records table. */
export function runSummaries(): RunSummaries {
  summaries ??= new DynamoDbRunSummaries(storage().client, summariesConfig().summariesTableName);
  return summaries;
}

/** The list cursors' keys: from Secrets Manager in AWS (read at run time, cached), fixed locally. */
export function cursorKeys(): CursorKeys {
  if (!keys) {
    const config = cursorKeyConfig();
    keys =
      'secretArn' in config
        ? SecretsManagerCursorKeys.forSecret(config.secretArn, config.region, config.graceHours * 3_600_000)
        : fixedCursorKeys(config.secret);
  }
  return keys;
}

/** The bulk loads, for the two bulk load operations: upload targets on S3 in AWS, on the local service locally. */
export function bulkLoads(): BulkLoadAccess {
  if (!bulk) {
    const target = bulkLoadConfig();
    bulk = {
      loads: bulkLoadStore(),
      uploads:
        'bucket' in target
          ? new S3UploadTargets(target.bucket, target.region)
          : new LocalUploadTargets(target.localUrl, target.localSecret),
    };
  }
  return bulk;
}

/** What the REQUEST authorizer needs: the token verifier and the tenant registry. */
export function authorizerDependencies(): AuthorizerDependencies {
  if (!authorizer) {
    const config = tenantRegistryConfig();
    authorizer = {
      verifier: new JoseTokenVerifier(authConfig()),
      tenants: new DynamoDbTenantRegistry(
        createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint, onCapacityEvent: countCapacityEvent }),
        config.tenantsTableName,
      ),
      log: (message, attributes) => logger.info(message, attributes),
    };
  }
  return authorizer;
}

/** What the scheduled sweep of stuck processing needs: the repository, the processing index, the tenants, the cut-off. */
export function sweepDependencies(requestId: string, remainingMs: () => number): SweepDependencies {
  if (!sweep) {
    const { repository, clock } = commonDependencies();
    const { config, client } = storage();
    sweep = {
      repository,
      stuck: new DynamoDbStuckRecords(client, config.tableName),
      executions: new DynamoDbOpenExecutions(client, config.tableName),
      tenants: new DynamoDbTenantRegistry(client, config.tenantsTableName),
      clock,
      stuckAfterMs: sweepConfig().stuckAfterMinutes * 60_000,
    };
  }
  return { ...sweep, requestId, remainingMs };
}
