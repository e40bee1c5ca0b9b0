import { fork } from 'node:child_process';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { bulkBatchConfig } from '../lambdas/config.ts';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/document-client.ts';
import { toItem } from '../lambdas/adapters/dynamodb/record-items.ts';
import { freePort } from '../lib/local/dynamodb-local.ts';
import { validBody } from '../testkit/bodies.ts';
import { ROOT } from './bundles.ts';
import { TABLES, TENANT, benchRecord } from './fixture.ts';
import { type Figure, log, round } from './stats.ts';
import { isLoadEnded } from '../lambdas/domain/bulk-load.ts';

const LINES = Number(process.env.BENCH_BULK_LINES ?? 20_000);
/** The local runner's concurrency (its default), and so the raw writers'. */
const CONCURRENCY = 4;

/** Raw BatchWriteItem calls of 25 items, CONCURRENCY at a time: the lines a second DynamoDB Local takes without the service. */
async function rawLinesPerSecond(endpoint: string, count: number): Promise<number> {
  const client = createDocumentClient({ region: 'us-east-1', endpoint });
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < count; i += 25) {
    batches.push(Array.from({ length: Math.min(25, count - i) }, () => toItem(TENANT, benchRecord({ billing_run_id: 'bench-raw' }))));
  }
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        let requests = (batches[next++] as Record<string, unknown>[]).map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [TABLES.tableName]: requests } }));
          requests = (UnprocessedItems?.[TABLES.tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return count / seconds;
}

/**
 * A file of lines through the local service, as a client loads one: start, upload, follow to its end
 * (or to `timeoutMs`); its lines a second from the upload to the last read, and the load as last read.
 */
export async function loadThroughService(
  url: string,
  token: string,
  load: { tenant: string; lines: string[]; intervalMs?: number; timeoutMs?: number },
): Promise<{ rate: number; load: Record<string, unknown> }> {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const started = (await (
    await fetch(`${url}/billingRunActions/${load.tenant}/bulkLoads`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ source_file: 'bench.ndjson' }),
    })
  ).json()) as { id: string; upload: { url: string; method: string; headers: Record<string, string> } };
  const from = performance.now();
  const sent = await fetch(started.upload.url, {
    method: started.upload.method,
    headers: started.upload.headers,
    body: `${load.lines.join('\n')}\n`,
  });
  if (!sent.ok) throw new Error(`the upload answered ${sent.status}`);
  for (;;) {
    const read = (await (await fetch(`${url}/billingRunActions/${load.tenant}/bulkLoads/${started.id}`, { headers })).json()) as Record<
      string,
      unknown
    >;
    const seconds = (performance.now() - from) / 1000;
    if (isLoadEnded(read.status) || seconds * 1000 > (load.timeoutMs ?? Number.POSITIVE_INFINITY)) {
      return { rate: load.lines.length / seconds, load: read };
    }
    await new Promise((resolve) => setTimeout(resolve, load.intervalMs ?? 20));
  }
}

/** `count` create bodies of one billing run through the local service, which must load every one. */
async function bulkLinesPerSecond(url: string, token: string, count: number): Promise<{ rate: number; load: Record<string, unknown> }> {
  const lines = Array.from({ length: count }, (_, i) => JSON.stringify(validBody({ billing_run_id: 'bench-bulk', name: `line ${i}` })));
  const { rate, load } = await loadThroughService(url, token, { tenant: TENANT, lines });
  if (load.status !== 'completed' || load.loaded !== count) throw new Error(`the bench load ended ${JSON.stringify(load).slice(0, 300)}`);
  return { rate, load };
}

/**
 * Bulk load throughput: a 20,000-line file through the local service (its own process, as `npm start`
 * runs it), from the upload to the final status, as lines a second over what raw 25-item
 * BatchWriteItem calls at the same concurrency reach on the same DynamoDB Local, measured just before.
 */
export async function bulkLoadFigure(endpoint: string): Promise<Figure> {
  log(`bulk load: ${LINES} raw BatchWriteItem lines, then a ${LINES}-line file through the local service, ${CONCURRENCY} at a time`);
  await rawLinesPerSecond(endpoint, 2_000);
  const raw = await rawLinesPerSecond(endpoint, LINES);
  const port = await freePort();
  const service = fork(join(ROOT, 'bench/gateway-child.ts'), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, PORT: String(port), BENCH_DYNAMODB_ENDPOINT: endpoint, BULK_LOAD_CONCURRENCY: String(CONCURRENCY) },
  });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve) =>
    service.once('message', (m) => resolve(m as never)),
  );
  try {
    await bulkLinesPerSecond(url, token, 1_000);
    const { rate, load } = await bulkLinesPerSecond(url, token, LINES);
    return {
      name: 'bulk_load_throughput_ratio',
      value: round(rate / raw),
      unit: 'ratio',
      bar: '>= 0.5',
      baseline: round(raw, 1),
      details: {
        lines: LINES,
        concurrency: CONCURRENCY,
        batch_lines: bulkBatchConfig().maxLines,
        load_status: load.status,
        raw_batchwrite_lines_per_s: round(raw, 1),
        bulk_load_lines_per_s: round(rate, 1),
      },
    };
  } finally {
    service.disconnect();
  }
}
