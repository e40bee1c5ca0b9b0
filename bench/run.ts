import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import autocannon from 'autocannon';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/document-client.ts';
import { freePort, startDynamoDbLocal } from '../lib/local/dynamodb-local.ts';
import { proxyEvent as testProxyEvent } from '../testkit/api-gateway-event.ts';
import { BASELINE, type Bundle, ROOT, buildBundles } from './bundles.ts';
import { TABLES, TENANT, benchRecord, insertRecords, prepareStore } from './fixture.ts';
import { coldStartFigures } from './cold-starts.ts';
import { bulkLoadFigure } from './bulk-load.ts';
import { statusListFigure } from './status-list.ts';
import { capacityEmulatorFigure } from './capacity-emulator.ts';
import { capacityFigures } from './capacity-figures.ts';
import { RESULTS_FILE } from './results-file.ts';
import { summaryLagFigure } from './summary-lag.ts';
import { inProcessFigures, inProcessRun } from './in-process.ts';
import { type Figure, log, median, printFigures, round, started } from './stats.ts';

/**
 * `npm run bench`: the performance bars, each measured against its baseline in the same run on this
 * machine, so every figure is a ratio (or a difference) that survives a noisy machine. Writes
 * bench/results.json and prints a table.
 */
const OUT = join(ROOT, 'bench/.out');
const E2E_SECONDS = Number(process.env.BENCH_E2E_SECONDS ?? 3);
const E2E_ROUNDS = Number(process.env.BENCH_E2E_ROUNDS ?? 7);
const CONNECTIONS = 10;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

log('bundling every function as CDK does');
const bundles = await buildBundles(OUT);
const baselineBundle = bundles.find((bundle) => bundle.name === BASELINE) as Bundle;
// Size is not work: every function, and the reference, against the bare get (steps that share a bundle show it once each).
const sizeRatios = Object.fromEntries(
  bundles.filter((b) => b.kind !== 'baseline').map((b) => [b.name, round(b.bytes / baselineBundle.bytes)]),
);

log('starting DynamoDB Local');
const dynamoDb = await startDynamoDbLocal();
const figures: Figure[] = [];
try {
  const environment = await prepareStore(dynamoDb.endpoint);
  const existing = benchRecord({ certification_id: 'cert-bench' });
  await insertRecords(dynamoDb.endpoint, [existing]);
  // The bar is held by the functions that need no S3 client: the API's, the authorizer, the sweep and
  // the finish step. The two bulk load steps that read uploads from S3 carry its client (a bare handler
  // with it is already 1.4 x the bare get): reported beside, with their ratio to their own baseline.
  const readsS3 = (bundle: Bundle) => bundle.pairsWith === 'baseline:prepare' || bundle.pairsWith === 'baseline:chunk';
  const held = bundles.filter((bundle) => bundle.kind === 'function' && !readsS3(bundle));
  figures.push({
    name: 'bundle_size_ratio_max',
    value: Math.max(...held.map((bundle) => sizeRatios[bundle.name] as number)),
    unit: 'ratio',
    bar: '<= 1.6',
    baseline: baselineBundle.bytes,
    details: {
      baseline_bytes: baselineBundle.bytes,
      bytes: Object.fromEntries(bundles.filter((b) => b.kind !== 'baseline').map((b) => [b.name, b.bytes])),
      baseline_bytes_each: Object.fromEntries(bundles.filter((b) => b.kind === 'baseline').map((b) => [b.name, b.bytes])),
      ratios: sizeRatios,
      s3_steps_vs_own_baseline: Object.fromEntries(
        bundles.filter(readsS3).map((b) => [b.name, round(b.bytes / (bundles.find((base) => base.name === b.pairsWith) as Bundle).bytes)]),
      ),
    },
  });
  // --- in process, SDK mocked: warm overhead, batch of 100 against a 5 ms stand-in, three runs -------
  const inProcessRuns = [await inProcessRun('first')];
  figures.push(...(await coldStartFigures(bundles, environment, existing)));

  inProcessRuns.push(await inProcessRun('after the cold starts'));

  // --- end to end: autocannon through the local gateway vs raw GetItem on the same DynamoDB Local --
  // Short alternating rounds (which side goes first alternates too), the figure the median of the
  // rounds' ratios: a second process busy on the other core for a while moves one round, not the figure.
  log(
    `end to end: ${E2E_ROUNDS} rounds of ${E2E_SECONDS} s raw GetItem and ${E2E_SECONDS} s through the gateway, ${CONNECTIONS} at a time`,
  );
  const client = createDocumentClient({ region: 'us-east-1', endpoint: dynamoDb.endpoint });
  const rawGet = () => client.send(new GetCommand({ TableName: TABLES.tableName, Key: { pk: `${TENANT}#${existing.id}` } }));
  const rawThroughput = async (seconds: number): Promise<number> => {
    let count = 0;
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          await rawGet();
          count++;
        }
      }),
    );
    return count / seconds;
  };
  const port = await freePort();
  const gateway = fork(join(ROOT, 'bench/gateway-child.ts'), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, PORT: String(port), BENCH_DYNAMODB_ENDPOINT: dynamoDb.endpoint, POWERTOOLS_LOG_LEVEL: 'INFO' },
  });
  const { url, token: gatewayToken } = await new Promise<{ url: string; token: string }>((resolve) =>
    gateway.once('message', (m) => resolve(m as never)),
  );
  const target = {
    url: `${url}/billingRunActions/${TENANT}/${existing.id}`,
    headers: { Authorization: `Bearer ${gatewayToken}` },
    connections: CONNECTIONS,
  };
  const gatewayThroughput = async (seconds: number) => {
    const result = await autocannon({ ...target, duration: seconds });
    if (result.non2xx > 0 || result.errors > 0)
      throw new Error(`gateway answered ${result.non2xx} non-2xx and ${result.errors} errors under load`);
    return { perSecond: result.requests.total / seconds, p50: result.latency.p50, p99: result.latency.p99 };
  };
  // DynamoDB Local (a JVM) and the gateway warm up over several seconds: both sides first, untimed.
  for (let warm = 0; warm < 2; warm++) {
    await rawThroughput(E2E_SECONDS);
    await gatewayThroughput(E2E_SECONDS);
  }
  const rounds: {
    raw_getitem_per_s: number;
    gateway_get_per_s: number;
    ratio: number;
    gateway_latency_ms_p50: number;
    gateway_latency_ms_p99: number;
  }[] = [];
  for (let index = 0; index < E2E_ROUNDS; index++) {
    let raw: number;
    let through: Awaited<ReturnType<typeof gatewayThroughput>>;
    if (index % 2 === 0) {
      raw = await rawThroughput(E2E_SECONDS);
      through = await gatewayThroughput(E2E_SECONDS);
    } else {
      through = await gatewayThroughput(E2E_SECONDS);
      raw = await rawThroughput(E2E_SECONDS);
    }
    rounds.push({
      raw_getitem_per_s: round(raw, 1),
      gateway_get_per_s: round(through.perSecond, 1),
      ratio: round(through.perSecond / raw),
      gateway_latency_ms_p50: through.p50,
      gateway_latency_ms_p99: through.p99,
    });
  }
  client.destroy();
  gateway.disconnect();
  figures.push({
    name: 'e2e_get_throughput_ratio',
    value: round(median(rounds.map((r) => r.ratio))),
    unit: 'ratio',
    bar: '>= 0.6',
    baseline: round(median(rounds.map((r) => r.raw_getitem_per_s)), 1),
    details: { connections: CONNECTIONS, seconds_per_side: E2E_SECONDS, rounds },
  });
  // --- list page of 100 at 1,000 and at 20,000 records ---------------------------------------------
  log('list page of 100 at 1,000 records');
  // The list function runs in this process: its configuration, and its log lines silenced.
  Object.assign(process.env, environment, { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' });
  const { handler: list } = (await import('../lambdas/handlers/list-billing-run-actions-by-certification.ts')) as unknown as {
    handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;
  };
  const listEvent = testProxyEvent({
    authorizer: {
      principalId: 'bench',
      tenants: JSON.stringify([TENANT]),
      scope: 'billing-run-actions:read',
      expiresAt: String(Math.floor(Date.now() / 1000) + 3600),
    },
    method: 'GET',
    resource: '/billingRunActions/{tenantId}/certification/{certification_id}',
    pathParameters: { tenantId: TENANT, certification_id: 'cert-list' },
    query: { limit: '100' },
  });
  const listMedian = async (): Promise<number> => {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const start = performance.now();
      const response = await list(listEvent, { awsRequestId: 'list' });
      if (response.statusCode !== 200 || JSON.parse(response.body).Count !== 100) throw new Error(`list answered ${response.statusCode}`);
      if (i >= 10) times.push(performance.now() - start);
    }
    return median(times);
  };
  const spread = (count: number, offset: number) =>
    Array.from({ length: count }, (_, i) =>
      benchRecord({
        certification_id: i % 9 === 0 ? 'cert-list' : `cert-${(offset + i) % 400}`,
        application_id: `app-${(offset + i) % 1000}`,
      }),
    );
  await insertRecords(dynamoDb.endpoint, spread(999, 0));
  const small = await listMedian();
  log('growing the table to 20,000 records');
  await insertRecords(dynamoDb.endpoint, spread(19_000, 1000));
  const large = await listMedian();
  figures.push({
    name: 'list_growth_ratio',
    value: round(large / small),
    unit: 'ratio',
    bar: '<= 1.3',
    baseline: round(small),
    details: { page: 100, at_1000_ms: round(small), at_20000_ms: round(large) },
  });

  inProcessRuns.push(await inProcessRun('last'));
  // In the results the in-process figures follow the cold start, as before.
  figures.splice(2, 0, ...inProcessFigures(inProcessRuns));
  figures.push(await statusListFigure(dynamoDb.endpoint));
  figures.push(await bulkLoadFigure(dynamoDb.endpoint));
  figures.push(await capacityEmulatorFigure(dynamoDb.endpoint));
  figures.push(...(await capacityFigures(dynamoDb.endpoint)));
  figures.push(await summaryLagFigure(dynamoDb.endpoint));
} finally {
  await dynamoDb.stop();
}

// The figures `npm run bench:neighbour-aws` measures apart (named `_aws`) stay in the file as it wrote them.
const measuredApart: Figure[] = existsSync(RESULTS_FILE)
  ? (JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as { figures: Figure[] }).figures.filter((figure) => figure.name.endsWith('_aws'))
  : [];
const results = {
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gib: round(totalmem() / 2 ** 30, 1),
    platform: `${process.platform} ${process.arch}`,
  },
  node: process.version,
  date: new Date().toISOString(),
  figures: [...figures, ...measuredApart],
};
writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
printFigures(figures);
console.log(
  `\n${results.machine.cpu}, ${results.machine.cores} cores, Node ${results.node}; ${((Date.now() - started) / 1000).toFixed(0)} s; written to bench/results.json`,
);
