import { validBody } from '../testkit/bodies.ts';
import { loadThroughService } from './bulk-load.ts';
import { quantile, round } from './stats.ts';

/** One request of the neighbour: its kind, its status, how long it took. */
interface Answered {
  kind: 'create' | 'get';
  status: number;
  ms: number;
}

function summary(answers: Answered[]) {
  const ok = answers.filter((answer) => answer.status === 200);
  return {
    requests: answers.length,
    success: answers.length === 0 ? 0 : ok.length / answers.length,
    p50_ms: round(
      quantile(
        ok.map((answer) => answer.ms),
        0.5,
      ),
      1,
    ),
    p95_ms: round(
      quantile(
        ok.map((answer) => answer.ms),
        0.95,
      ),
      1,
    ),
    statuses: Object.fromEntries(
      [...Map.groupBy(answers, (answer) => answer.status)].map(([status, group]) => [String(status), group.length]),
    ),
  };
}

/**
 * A tenant's steady API requests (a create, then a get of what it created, `perSecond` times a second)
 * while `during` runs, from its start to its end.
 */
async function steadyRequests(
  url: string,
  tenant: string,
  token: string,
  perSecond: number,
  during: Promise<unknown>,
): Promise<Answered[]> {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const answers: Answered[] = [];
  let done = false;
  void during.finally(() => {
    done = true;
  });
  const pending: Promise<void>[] = [];
  let sequence = 0;
  while (!done) {
    const number = ++sequence;
    pending.push(
      (async () => {
        let from = performance.now();
        const created = await fetch(`${url}/billingRunActions/${tenant}`, {
          method: 'POST',
          headers,
          body: JSON.stringify(
            validBody({ name: `neighbour ${number}`, certification_id: `n-cert-${number}`, application_id: `n-${number}` }),
          ),
        });
        const body = (await created.json()) as { id?: string };
        answers.push({ kind: 'create', status: created.status, ms: performance.now() - from });
        if (!body.id) return;
        from = performance.now();
        const read = await fetch(`${url}/billingRunActions/${tenant}/${body.id}`, { headers });
        await read.arrayBuffer();
        answers.push({ kind: 'get', status: read.status, ms: performance.now() - from });
      })(),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
  }
  await Promise.all(pending);
  return answers;
}

/**
 * The neighbour figures: tenant B's creates and gets, alone for `quietSeconds`, then while tenant A
 * runs `loads` bulk loads of `lines` lines each at once. B's success during A's loads, and B's p95
 * during them over its quiet p95.
 */
export async function neighbourDuringLoads(
  url: string,
  tenants: { busy: { id: string; token: string }; neighbour: { id: string; token: string } },
  options: { loads: number; lines: number; perSecond: number; quietSeconds: number; timeoutMs: number },
) {
  const { busy, neighbour } = tenants;
  const seconds = (count: number) => new Promise((resolve) => setTimeout(resolve, count * 1000));
  // Warm first (the functions' cold starts, the authorizer's cache), so that quiet means quiet.
  await steadyRequests(url, neighbour.id, neighbour.token, options.perSecond, seconds(2));
  const quiet = await steadyRequests(url, neighbour.id, neighbour.token, options.perSecond, seconds(options.quietSeconds));
  const from = performance.now();
  const loads = Promise.all(
    Array.from({ length: options.loads }, (_, load) =>
      loadThroughService(url, busy.token, {
        tenant: busy.id,
        lines: Array.from({ length: options.lines }, (_, i) =>
          JSON.stringify(
            validBody({ billing_run_id: `busy-run-${load}`, certification_id: `b-cert-${load}-${i}`, application_id: `b-${load}-${i}` }),
          ),
        ),
        intervalMs: 250,
        timeoutMs: options.timeoutMs,
      }),
    ),
  );
  const loaded = await steadyRequests(url, neighbour.id, neighbour.token, options.perSecond, loads);
  const ended = await loads;
  const took = (performance.now() - from) / 1000;
  const quietSummary = summary(quiet);
  const loadedSummary = summary(loaded);
  return {
    success: loadedSummary.success,
    latencyRatio: loadedSummary.p95_ms / quietSummary.p95_ms,
    details: {
      quiet: quietSummary,
      during_loads: loadedSummary,
      loads: ended.map(({ load }) => ({ status: load.status, loaded: load.loaded, failed: load.failed })),
      load_lines_per_s: round((options.loads * options.lines) / took, 1),
    },
  };
}
