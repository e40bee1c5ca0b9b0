import { TYPES } from '../lambdas/domain/billing-run-action.ts';
import { LocalStreamSource } from '../lib/local/streams/local-stream-source.ts';
import { validBody } from '../testkit/bodies.ts';
import { loadThroughService } from './bulk-load.ts';
import { SCALE, withScaledService } from './scaled-service.ts';
import { type Figure, REPORTED, round } from './stats.ts';

const TENANT = 'bench-summary';
const RUN = 'bench-summary-run';
const LINES = 2_000;
/** Statuses that processing leaves alone (a record put in `processing` would be dispatched and change again). */
const STATUSES = ['pending', 'completed', 'error', 'excluded'] as const;
const POLL_MS = 50;
/** How often the bench's own reader of the table's stream looks for new writes. */
const WATCH_MS = 20;
/** How long the summary may take to become exact before the figure fails. */
const EXACT_WITHIN_MS = 600_000;

type Counts = { total: number; by_status: Record<string, number>; by_type: Record<string, number> };
type Summary = Counts & { last_change_at?: string };

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sorted = (counts: Record<string, number>) => JSON.stringify(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
const sameCounts = (summary: Summary, expected: Counts) =>
  summary.total === expected.total &&
  sorted(summary.by_status) === sorted(expected.by_status) &&
  sorted(summary.by_type) === sorted(expected.by_type);

/** Every record of the run, read page by page through the run's list (a throttled page is read again). */
async function countOverList(api: string, headers: Record<string, string>): Promise<Counts> {
  const counts: Counts = { total: 0, by_status: {}, by_type: {} };
  let cursor: string | undefined;
  for (;;) {
    const after = cursor ? `&exclusiveStartKey=${encodeURIComponent(cursor)}` : '';
    const answer = await fetch(`${api}/billingRun/${RUN}?limit=1000&fields=status,type${after}`, { headers });
    if (answer.status === 429 || answer.status >= 500) {
      await answer.arrayBuffer();
      await wait(500);
      continue;
    }
    if (answer.status !== 200) throw new Error(`the run's list answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
    const page = (await answer.json()) as { Items: { status: string; type: string }[]; LastEvaluatedKey?: string };
    for (const { status, type } of page.Items) {
      counts.total++;
      counts.by_status[status] = (counts.by_status[status] ?? 0) + 1;
      counts.by_type[type] = (counts.by_type[type] ?? 0) + 1;
    }
    cursor = page.LastEvaluatedKey;
    if (!cursor) return counts;
  }
}

/**
 * When the run's records were written: a reader of the bench's own on the records table's stream (DynamoDB
 * Local writes an item's stream record with the item), straight on DynamoDB Local every WATCH_MS, notes
 * the time each record's first INSERT arrives. Neither the records' sys_last_modified_at (a batch stamps
 * its 500 records with the time it starts, and its last write comes tens of seconds later at this scale)
 * nor the load's finished_at (set by its finish step after the batches' bookkeeping, throttled too: in
 * one run it came 14 s after the summary was already exact, in others within 3 s) tells it.
 */
function watchWrites(endpoint: string, tableName: string) {
  const written = new Set<string>();
  let lastAt = 0;
  const source = new LocalStreamSource({
    endpoint,
    region: 'us-east-1',
    tableName,
    handler: async (event) => {
      const at = Date.now();
      for (const { eventName, dynamodb } of event.Records) {
        const id = dynamodb?.NewImage?.id?.S;
        if (eventName !== 'INSERT' || dynamodb?.NewImage?.billing_run_id?.S !== RUN || !id || written.has(id)) continue;
        written.add(id);
        lastAt = at;
      }
    },
    functionName: 'benchWriteWatch',
    timeoutMs: 60_000,
    batchSize: 1_000,
    retryAttempts: 0,
    onFailure: ({ reason }) => process.emitWarning(`the bench's stream reader failed: ${reason}`),
    pollMs: WATCH_MS,
  });
  return {
    /** The time the last of the run's `count` records arrived, once all have. */
    async lastWrite(count: number): Promise<number> {
      for (const deadline = Date.now() + 60_000; written.size < count; await wait(WATCH_MS)) {
        if (Date.now() > deadline) throw new Error(`the stream showed ${written.size} of the run's ${count} records`);
      }
      return lastAt;
    },
    stop: () => source.stop(),
  };
}

/**
 * The run's summary, read every POLL_MS from the upload on, as a client waiting on it reads it: the
 * answers that count every line are kept with the time each arrived, so that the first exact one is
 * known even if it came before the load's end was read and the run listed.
 */
function pollSummary(api: string, headers: Record<string, string>) {
  const full: { at: number; summary: Summary }[] = [];
  const statuses: Record<string, number> = {};
  let expected: Counts | undefined;
  let reads = 0;
  const deadline = Date.now() + EXACT_WITHIN_MS;
  const exact = (async () => {
    for (;;) {
      const answer = await fetch(`${api}/billingRun/${RUN}/summary`, { headers });
      const at = Date.now();
      reads++;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const summary = answer.status === 200 ? ((await answer.json()) as Summary) : (await answer.arrayBuffer(), undefined);
      if (summary?.total === LINES) full.push({ at, summary });
      const found = expected && full.find((seen) => sameCounts(seen.summary, expected as Counts));
      if (found) return found;
      if (at > deadline) throw new Error(`no exact summary within ${EXACT_WITHIN_MS / 1000} s: ${JSON.stringify(full.at(-1) ?? summary)}`);
      await wait(POLL_MS);
    }
  })();
  // Awaited through exactAs once the load has ended; a failure before then waits for it there.
  exact.catch(() => undefined);
  return {
    /** The first answer equal to `counts`, read before or after this call. */
    exactAs(counts: Counts) {
      expected = counts;
      return exact;
    },
    reads: () => ({ reads, statuses }),
  };
}

/**
 * `summary_lag_s`: under the capacity emulator at SCALE, with the change stream's consumer on, a
 * 2,000-line bulk load of one billing run (statuses and types mixed), and its summary read every 50 ms
 * until it is exact: its total, by_status and by_type equal to a count over a full list read of the run
 * once the load has ended. The figure is the time that exact answer arrived less the time of the load's
 * last write, as the table's stream shows it (watchWrites).
 */
async function measure(endpoint: string): Promise<Figure[]> {
  return withScaledService(endpoint, { name: 'summary', tenants: [TENANT], changes: {} }, async (service, tables) => {
    const token = await service.issuer.sign({ tenant: TENANT, expiresInSeconds: 3600 });
    const api = `${service.url}/billingRunActions/${TENANT}`;
    const headers = { Authorization: `Bearer ${token}` };
    const lines = Array.from({ length: LINES }, (_, i) =>
      JSON.stringify(
        validBody({
          billing_run_id: RUN,
          certification_id: `summary-cert-${i}`,
          application_id: `summary-app-${i}`,
          status: STATUSES[i % STATUSES.length],
          type: TYPES[i % TYPES.length],
        }),
      ),
    );
    const writes = watchWrites(endpoint, tables.tableName);
    const summaries = pollSummary(api, headers);
    const { rate, load } = await loadThroughService(service.url, token, { tenant: TENANT, lines, intervalMs: 200, timeoutMs: 600_000 });
    if (load.status !== 'completed' || load.loaded !== LINES) throw new Error(`the load ended ${JSON.stringify(load).slice(0, 300)}`);
    const lastWrite = await writes.lastWrite(LINES);
    await writes.stop();
    const expected = await countOverList(api, headers);
    if (expected.total !== LINES) throw new Error(`the run lists ${expected.total} records, not ${LINES}`);
    const exact = await summaries.exactAs(expected);
    return [
      {
        name: 'summary_lag_s',
        value: round((exact.at - lastWrite) / 1000, 2),
        unit: 's',
        bar: REPORTED,
        baseline: round((Date.parse(load.finished_at as string) - Date.parse(load.started_at as string)) / 1000, 2),
        details: {
          scale: SCALE,
          lines: LINES,
          poll_ms: POLL_MS,
          watch_ms: WATCH_MS,
          baseline_is: 'the load’s own seconds, started_at to finished_at',
          load_lines_per_s: round(rate, 1),
          last_write_at: new Date(lastWrite).toISOString(),
          exact_at: new Date(exact.at).toISOString(),
          load_finished_at: load.finished_at,
          summary_last_change_at: exact.summary.last_change_at,
          by_status: exact.summary.by_status,
          summary_reads: summaries.reads(),
          emulator: service.capacity?.report().line,
        },
      },
    ];
  });
}

// Run as a child of the bench (summary-lag.ts): a process of its own, with the functions' modules fresh.
process.send?.(await measure(process.env.BENCH_DYNAMODB_ENDPOINT as string));
process.exit(0);
