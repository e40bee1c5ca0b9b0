import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/document-client.ts';
import { startCapacityEmulator } from '../lib/local/capacity/emulator.ts';
import { AWS_CAPACITY } from '../lib/local/capacity/settings.ts';
import { TABLES } from './fixture.ts';
import { type Figure, log, median, quantile, round } from './stats.ts';

const CALLS = Number(process.env.BENCH_EMULATOR_CALLS ?? 2_000);

/**
 * What the capacity emulator adds to a call: the same GetItem and PutItem, one at a time, straight to
 * DynamoDB Local and through the emulator (with AWS's numbers, which these calls stay under), in
 * alternating pairs; the figure is the median of the pairs' differences.
 */
export async function capacityEmulatorFigure(endpoint: string): Promise<Figure> {
  log(`capacity emulator: ${CALLS} pairs of calls, straight and through the emulator`);
  const emulator = await startCapacityEmulator(endpoint, AWS_CAPACITY);
  const straight = createDocumentClient({ region: 'us-east-1', endpoint });
  const through = createDocumentClient({ region: 'us-east-1', endpoint: emulator.url });
  const item = { pk: 'bench#emulator', id: 'emulator', name: 'x'.repeat(500) };
  const call = async (client: typeof straight, index: number): Promise<number> => {
    const started = performance.now();
    if (index % 2 === 0) await client.send(new GetCommand({ TableName: TABLES.tableName, Key: { pk: item.pk } }));
    else await client.send(new PutCommand({ TableName: TABLES.tableName, Item: { ...item, pk: `bench#emulator-${index}` } }));
    return performance.now() - started;
  };
  for (let index = 0; index < 200; index++) {
    await call(straight, index);
    await call(through, index);
  }
  const differences: number[] = [];
  const straightTimes: number[] = [];
  for (let index = 0; index < CALLS; index++) {
    const first = index % 4 < 2;
    const a = await call(first ? straight : through, index);
    const b = await call(first ? through : straight, index);
    const [plain, emulated] = first ? [a, b] : [b, a];
    straightTimes.push(plain);
    differences.push(emulated - plain);
  }
  const report = emulator.report();
  straight.destroy();
  through.destroy();
  await emulator.stop();
  return {
    name: 'capacity_emulator_overhead_ms',
    value: round(median(differences)),
    unit: 'ms',
    bar: '<= 0.5',
    baseline: round(median(straightTimes)),
    details: {
      pairs: CALLS,
      calls: 'GetItem and PutItem (1 KB) alternately, one at a time',
      straight_median_ms: round(median(straightTimes)),
      difference_quartiles_ms: [round(quantile(differences, 0.25)), round(quantile(differences, 0.75))],
      emulator: report.line,
    },
  };
}
