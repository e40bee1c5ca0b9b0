import type { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbLoadPace } from '../../lambdas/adapters/dynamodb/load-pace.ts';
import { PARTITION_KEY, bulkPaceKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { uniqueName } from '../support/fixtures.ts';

/*
 * The loads' shared pace on DynamoDB Local, on a clock the test moves: what each write of a load
 * waits for its place, by tenant and by how many tenants are loading.
 */
const tables = { tableName: uniqueName('pace'), tenantsTableName: uniqueName('pace-tenants') };
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
beforeAll(() => ensureTables(client, tables));
afterAll(() => client.destroy());

/** A clock that stands still unless moved; each wait is recorded, not slept. */
function standingClock(start = 1_000_000) {
  let time = start;
  const waits: number[] = [];
  return {
    clock: { now: () => time, sleep: async (ms: number) => void waits.push(ms) },
    waits,
    move: (ms: number) => {
      time += ms;
    },
  };
}

/** A chunk function's environment: its own pace object, all on the one table and one clock. */
const environment = (clock: ReturnType<typeof standingClock>['clock'], unitsPerSecond = 100) =>
  new DynamoDbLoadPace(client, tables.tableName, unitsPerSecond, clock);

describe("the loads' pace", () => {
  it('gives a lone tenant the whole rate: each write waits its turn on one clock, in whatever environment it runs', async () => {
    const time = standingClock();
    const [first, second] = [environment(time.clock), environment(time.clock)];
    await first.acquire('lone', 50);
    await second.acquire('lone', 50);
    await first.acquire('lone', 100);
    await second.acquire('lone', 50);
    // 100 units a second: 50 units take 500 ms of the clock, 100 take 1 s.
    expect(time.waits).toEqual([500, 1_000, 2_000]);
  });

  it('starts again from now once the clock has run ahead of the writes', async () => {
    const time = standingClock(2_000_000);
    const pace = environment(time.clock);
    await pace.acquire('idle', 100);
    time.move(60_000);
    await pace.acquire('idle', 100);
    expect(time.waits).toEqual([]);
  });

  it('shares the rate equally between the tenants loading, and a tenant many loads draw on its one share', async () => {
    const time = standingClock(3_000_000);
    const a = environment(time.clock);
    const b = environment(time.clock);
    await a.acquire('tenant-a', 10);
    await b.acquire('tenant-b', 10);
    time.move(6_000); // past the environments' refresh: each sees the other loading now
    time.waits.length = 0;
    // Three environments (three loads) of tenant a, one of tenant b: 50 units a second each tenant.
    const aLoads = [a, environment(time.clock), environment(time.clock)];
    for (const load of aLoads) await load.acquire('tenant-a', 25);
    await b.acquire('tenant-b', 25);
    await b.acquire('tenant-b', 25);
    // a's three writes of 25 at 50 a second: 0, 500, 1,000 ms; b's two: 0, 500 ms.
    expect(time.waits).toEqual([500, 1_000, 500]);
  });

  it('forgets a tenant that stopped loading: the others share the rate again', async () => {
    const time = standingClock(10_000_000);
    const gone = environment(time.clock);
    await gone.acquire('gone', 1);
    time.move(20_000); // past ACTIVE_WITHIN_MS of 15 s
    const staying = environment(time.clock);
    await staying.acquire('staying', 100);
    await staying.acquire('staying', 100);
    expect(time.waits).toEqual([1_000]);
  });

  it('updates its clock once a write while the writes go slower than the pace, and never goes round when they race', async () => {
    // Each reading of the time is 100 ms later: the writes of one unit (10 ms of the clock) go ten times slower than the pace.
    let time = 20_000_000;
    const clock = { now: () => (time += 100), sleep: async () => {} };
    let updates = 0;
    const counting = {
      send: (command: UpdateCommand) => {
        if (command.input.Key?.[PARTITION_KEY] === bulkPaceKey('slow')) updates++;
        return client.send(command);
      },
    } as unknown as DynamoDBDocumentClient;
    const pace = new DynamoDbLoadPace(counting, tables.tableName, 100, clock);
    await pace.acquire('slow', 1);
    updates = 0;
    for (let write = 0; write < 10; write++) await pace.acquire('slow', 1);
    expect(updates).toBe(10);
    // Twenty at once, in three environments: each takes its slot in at most three updates.
    updates = 0;
    const environments = [
      pace,
      new DynamoDbLoadPace(counting, tables.tableName, 100, clock),
      new DynamoDbLoadPace(counting, tables.tableName, 100, clock),
    ];
    await Promise.all(Array.from({ length: 20 }, (_, write) => (environments[write % 3] as DynamoDbLoadPace).acquire('slow', 1)));
    expect(updates).toBeLessThanOrEqual(3 * 20);
  });
});
