import { AWS_CAPACITY } from '../lib/local/capacity/settings.ts';
import { writeUnits } from '../lib/local/capacity/units.ts';
import type { LocalService } from '../lib/local/local-service.ts';
import { validBody } from '../testkit/bodies.ts';
import { loadThroughService } from './bulk-load.ts';
import { neighbourDuringLoads } from './neighbour.ts';
import { SCALE, withScaledService } from './scaled-service.ts';
import { type Figure, round } from './stats.ts';

/** The premium tier's rate (lib/stack/tiers.ts), scaled. */
const PREMIUM_SCALED = 200 / SCALE;
const SECONDS_PER_RATE = 3;

function withService<T>(work: (service: LocalService, token: string, loadToken: string) => Promise<T>, endpoint: string): Promise<T> {
  const tenants = ['bench-capacity', 'bench-load', 'bench-busy', 'bench-neighbour'];
  return withScaledService(endpoint, { name: 'capacity', tenants }, async (service) =>
    work(
      service,
      await service.issuer.sign({ tenant: 'bench-capacity', expiresInSeconds: 3600 }),
      await service.issuer.sign({ tenant: 'bench-load', expiresInSeconds: 3600 }),
    ),
  );
}

/**
 * The capacity figures, in a process of their own (the local service and its functions' modules,
 * fresh, as npm start runs them). Under the emulator at scale 20: one tenant's creates, offered at rising multiples of the premium
 * tier's scaled rate for 3 s each; the figure is the highest multiple sustained with at least 99%
 * success. And one bulk load of one billing run (2,400 lines, another tenant): its lines a second over what one index key's
 * scaled write limit allows (each line's index entry takes its write units there).
 */
async function measure(endpoint: string): Promise<Figure[]> {
  return withService(async (service, token, loadToken) => {
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    let created = 0;
    // Each record its own certification and application (a candidate's), as a billing run's records have.
    const create = () =>
      fetch(`${service.url}/billingRunActions/bench-capacity`, {
        method: 'POST',
        headers,
        body: JSON.stringify(validBody({ certification_id: `cert-${++created}`, application_id: `app-${created}` })),
      });
    const rates: { multiple: number; per_second: number; success: number }[] = [];
    for (const multiple of [1, 1.5, 2, 3, 4]) {
      const perSecond = PREMIUM_SCALED * multiple;
      const answers: Promise<Response>[] = [];
      for (let index = 0; index < perSecond * SECONDS_PER_RATE; index++) {
        answers.push(create());
        await new Promise((resolve) => setTimeout(resolve, 1000 / perSecond));
      }
      const statuses = (await Promise.all(answers)).map((answer) => answer.status);
      const success = statuses.filter((status) => status === 200).length / statuses.length;
      rates.push({ multiple, per_second: perSecond, success: round(success) });
      if (success < 0.99) break;
    }
    const sustained = rates.filter((rate) => rate.success >= 0.99).at(-1)?.multiple ?? 0;

    // Long enough that the load's start and end (its upload, the first batch's reservation, the follow's
    // polling) are not the figure; on a tenant of its own, so that the creates above do not weigh on it.
    const lines = 2_400;
    const { rate: linesPerSecond, load } = await loadThroughService(service.url, loadToken, {
      tenant: 'bench-load',
      lines: Array.from({ length: lines }, (_, i) =>
        JSON.stringify(
          validBody({
            billing_run_id: 'bench-one-run',
            certification_id: `cert-line-${i}`,
            application_id: `app-line-${i}`,
            name: `line ${i}`,
          }),
        ),
      ),
      intervalMs: 200,
      timeoutMs: 120_000,
    });
    const oneKeyLimit = AWS_CAPACITY.partitionWriteUnits / SCALE / writeUnits(1_500);

    // Tenant bench-neighbour's creates and gets, quiet and then while bench-busy runs three loads at once.
    const neighbour = await neighbourDuringLoads(
      service.url,
      {
        busy: { id: 'bench-busy', token: await service.issuer.sign({ tenant: 'bench-busy', expiresInSeconds: 3600 }) },
        neighbour: { id: 'bench-neighbour', token: await service.issuer.sign({ tenant: 'bench-neighbour', expiresInSeconds: 3600 }) },
      },
      { loads: 3, lines: 1_500, perSecond: 5, quietSeconds: 10, timeoutMs: 240_000 },
    );
    return [
      {
        name: 'neighbour_success_ratio',
        value: round(neighbour.success, 4),
        unit: 'ratio',
        bar: '>= 0.99',
        baseline: 1,
        details: { scale: SCALE, ...neighbour.details },
      },
      {
        name: 'neighbour_latency_ratio',
        value: round(neighbour.latencyRatio),
        unit: 'ratio',
        bar: '<= 2',
        baseline: neighbour.details.quiet.p95_ms,
        details: { scale: SCALE, quiet_p95_ms: neighbour.details.quiet.p95_ms, during_loads_p95_ms: neighbour.details.during_loads.p95_ms },
      },
      {
        name: 'tenant_create_rate_ratio',
        value: sustained,
        unit: 'ratio',
        bar: '>= 0.9',
        baseline: PREMIUM_SCALED,
        details: { scale: SCALE, seconds_per_rate: SECONDS_PER_RATE, rates, emulator: service.capacity?.report().line },
      },
      {
        name: 'hot_key_bulk_load_ratio',
        value: round(linesPerSecond / oneKeyLimit),
        unit: 'ratio',
        bar: '>= 3',
        baseline: round(oneKeyLimit),
        details: {
          scale: SCALE,
          tenant: 'a tenant of its own',
          lines,
          lines_per_s: round(linesPerSecond, 1),
          load_status: load.status,
          loaded: load.loaded,
          failed: load.failed,
        },
      },
    ];
  }, endpoint);
}

// Run as a child of the bench (capacity.ts): a process of its own, with the functions' modules fresh.
process.send?.(await measure(process.env.BENCH_DYNAMODB_ENDPOINT as string));
process.exit(0);
