import { DescribeTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbRunSummaries } from '../../lambdas/adapters/dynamodb/dynamodb-run-summaries.ts';
import { toItem } from '../../lambdas/adapters/dynamodb/record-items.ts';
import type { CountableChange } from '../../lambdas/ports/run-summaries.ts';
import { ensureTables, summariesTableOf } from '../../lib/local/tables.ts';
import { backfillSummaries } from '../../lib/tables/summary-backfill.ts';
import { storedRecord, uniqueName } from '../support/fixtures.ts';

/**
 * The run summaries' counting on DynamoDB Local: each change once however often it comes, counters
 * summed over their 16 items, consumers counting one run at once, and the backfill of records the stream
 * never told meeting the stream's own counting of them.
 */
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tables = { tableName: uniqueName('actions'), tenantsTableName: uniqueName('tenants') };
const summaries = new DynamoDbRunSummaries(client, summariesTableOf(tables));
beforeAll(() => ensureTables(client, tables));
afterAll(() => client.destroy());

const state = (status: string, billingRunId = 'r1') => ({ billingRunId, status, type: 'forecast renewal' });
const change = (id: string, version: number, before?: string, after?: string, tenantId = 't1'): CountableChange => ({
  tenantId,
  id,
  version,
  ...(before && { before: state(before) }),
  ...(after && { after: state(after) }),
  time: `2026-01-01T00:00:0${version}.000Z`,
});

describe('the run summaries on DynamoDB Local', () => {
  it('count each change once through redeliveries, and a record never counted from its new state alone', async () => {
    const life = [change('a', 1, undefined, 'pending'), change('a', 2, 'pending', 'processing'), change('a', 3, 'processing', 'completed')];
    expect(await summaries.count(life)).toBeUndefined();
    // Delivered again (a batch retried whole, then from its second record).
    expect(await summaries.count(life)).toBeUndefined();
    expect(await summaries.count(life.slice(1))).toBeUndefined();
    // Never counted (written before the stream): its state after the change is added, nothing taken away.
    expect(await summaries.count([change('b', 5, 'pending', 'error')])).toBeUndefined();
    // Deleted: taken away once.
    expect(await summaries.count([change('b', 6, 'error'), change('b', 6, 'error')])).toBeUndefined();
    expect(await summaries.read('t1', 'r1')).toEqual({
      billing_run_id: 'r1',
      total: 1,
      by_status: { completed: 1 },
      by_type: { 'forecast renewal': 1 },
      last_change_at: '2026-01-01T00:00:06.000Z',
    });
    expect(await summaries.read('t2', 'r1')).toBeUndefined();
  });

  it('hold exact counts while eight consumers count one run at once, each batch delivered twice', async () => {
    const batches = Array.from({ length: 8 }, (_, batch) =>
      Array.from({ length: 60 }, (_, n) => change(`c${batch}-${n}`, 1, undefined, n % 3 === 0 ? 'error' : 'pending', 't3')),
    );
    const moved = batches.map((batch) =>
      batch.filter((_, n) => n % 2 === 0).map((c) => change(c.id, 2, c.after?.status, 'completed', 't3')),
    );
    const results = await Promise.all([...batches, ...batches, ...moved, ...moved].map((batch) => summaries.count(batch)));
    expect(results.every((result) => result === undefined)).toBe(true);
    const summary = await summaries.read('t3', 'r1');
    expect(summary?.total).toBe(480);
    expect(summary?.by_status).toEqual({ completed: 240, error: 80, pending: 160 });
  }, 60_000);

  it('count the records written before the stream once, whether the backfill or the stream gets there first', async () => {
    const record = (id: string, version: number, status: string) =>
      toItem('t4', storedRecord({ id, sys_version: version, status: status as never, billing_run_id: 'r4' }));
    for (const [id, status] of [
      ['old-1', 'pending'],
      ['old-2', 'error'],
      ['old-3', 'pending'],
    ] as const) {
      await client.send(new PutCommand({ TableName: tables.tableName, Item: record(id, 2, status) }));
    }
    // The stream told old-2's next change before the backfill read it; old-3's change comes after.
    expect(
      await summaries.count([
        { ...change('old-2', 3, 'error', 'completed', 't4'), before: state('error', 'r4'), after: state('completed', 'r4') },
      ]),
    ).toBeUndefined();
    await client.send(new PutCommand({ TableName: tables.tableName, Item: record('old-2', 3, 'completed') }));
    expect(await backfillSummaries(client, tables.tableName, summariesTableOf(tables))).toBeGreaterThanOrEqual(3);
    expect(await backfillSummaries(client, tables.tableName, summariesTableOf(tables))).toBeGreaterThanOrEqual(3);
    expect(
      await summaries.count([
        { ...change('old-3', 3, 'pending', 'excluded', 't4'), before: state('pending', 'r4'), after: state('excluded', 'r4') },
      ]),
    ).toBeUndefined();
    expect(await summaries.read('t4', 'r4')).toMatchObject({ total: 3, by_status: { completed: 1, excluded: 1, pending: 1 } });
  });

  it('an older data directory gains the stream at start, and its records are counted once', async () => {
    const older = { tableName: uniqueName('actions'), tenantsTableName: uniqueName('tenants') };
    await ensureTables(client, older, { stream: true });
    await client.send(new UpdateTableCommand({ TableName: older.tableName, StreamSpecification: { StreamEnabled: false } }));
    for (const id of ['o-1', 'o-2']) {
      await client.send(new PutCommand({ TableName: older.tableName, Item: toItem('t5', storedRecord({ id, billing_run_id: 'r5' })) }));
    }
    await ensureTables(client, older, { stream: true });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: older.tableName }));
    expect(Table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(await backfillSummaries(client, older.tableName, summariesTableOf(older))).toBe(2);
    expect(await new DynamoDbRunSummaries(client, summariesTableOf(older)).read('t5', 'r5')).toMatchObject({
      total: 2,
      by_status: { pending: 2 },
    });
  });
});
