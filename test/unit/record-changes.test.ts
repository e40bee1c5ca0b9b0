import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { EventBridgeChangeEvents } from '../../lambdas/adapters/eventbridge/eventbridge-change-events.ts';
import { streamedChangeOf } from '../../lambdas/composition/record-changes.ts';
import { MAX_ENTRY_BYTES, changeDetailOf, entryBytes } from '../../lambdas/domain/change-events.ts';
import { CHANGE_OPERATIONS, type RecordChange, changeOf, countsOf, summaryOf } from '../../lambdas/domain/record-changes.ts';
import type { ChangeEvents } from '../../lambdas/ports/change-events.ts';
import type { CountableChange, RunSummaries } from '../../lambdas/ports/run-summaries.ts';
import { handleChanges } from '../../lambdas/use-cases/record-changes.ts';
import { storedRecord } from '../support/fixtures.ts';

const item = (overrides: Record<string, unknown> = {}) => ({ pk: 't1#id-1', ...storedRecord(), ...overrides });
const stamped = (operation: string) => ({ ...storedRecord().sys_last_security_context, operation });
const flat = (counts: Map<string, Map<string, number>>) => Object.fromEntries([...counts].map(([run, c]) => [run, Object.fromEntries(c)]));

describe('a change, from the item before and after a write', () => {
  it('names the operation: created, replaced (a PUT), patched (anything else), deleted', () => {
    const v2 = (overrides: Record<string, unknown>) => item({ sys_version: 2, ...overrides });
    const operations = [
      changeOf('t1', undefined, item()),
      changeOf('t1', item(), v2({ sys_last_security_context: stamped('updateBillingRunAction') })),
      changeOf('t1', item(), v2({ sys_last_security_context: stamped('batchBillingRunActions'), status: 'error' })),
      changeOf('t1', item(), v2({ sys_deleted_by_id: 'u1', expires_at: 99 })),
    ].map((change) => change?.operation);
    expect(operations).toEqual([...CHANGE_OPERATIONS]);
  });

  it('is none when the write kept the version (a key backfilled), purged a deleted record, or was not of a record', () => {
    expect(changeOf('t1', item(), item({ status_id: 'pending#id-1' }))).toBeUndefined();
    expect(changeOf('t1', item({ sys_deleted_by_id: 'u1' }), undefined)).toBeUndefined();
    expect(changeOf('t1', undefined, { pk: 't1#summary#run#3', total: 4 })).toBeUndefined();
  });

  it('says the old and new status and the fields that changed, in the schema order', () => {
    const change = changeOf('t1', item(), item({ sys_version: 2, status: 'error', error_message: 'no card' })) as RecordChange;
    expect(change).toMatchObject({ oldStatus: 'pending', newStatus: 'error', version: 2 });
    expect(change.changedFields).toEqual(['status', 'error_message', 'sys_version']);
    const deleted = changeOf('t1', item(), item({ sys_version: 2, sys_deleted_by_id: 'u1' })) as RecordChange;
    expect(deleted).toMatchObject({ oldStatus: 'pending', before: { status: 'pending' } });
    expect(deleted.after).toBeUndefined();
    expect(deleted.newStatus).toBeUndefined();
  });

  it('moves counters: the old state taken away, the new one added, zeros dropped; a first count adds alone', () => {
    const before = { billingRunId: 'r1', status: 'pending', type: 'forecast renewal' };
    expect(flat(countsOf({ before, after: { ...before, status: 'error' } }))).toEqual({ r1: { 'status:pending': -1, 'status:error': 1 } });
    expect(countsOf({ before, after: { ...before } }).size).toBe(0);
    expect(flat(countsOf({ before, after: { ...before, billingRunId: 'r2' } }))).toEqual({
      r1: { total: -1, 'status:pending': -1, 'type:forecast renewal': -1 },
      r2: { total: 1, 'status:pending': 1, 'type:forecast renewal': 1 },
    });
    expect(flat(countsOf({ before }))).toEqual({ r1: { total: -1, 'status:pending': -1, 'type:forecast renewal': -1 } });
    expect(flat(countsOf({ before, after: { ...before, status: 'error' } }, false))).toEqual({
      r1: { total: 1, 'status:error': 1, 'type:forecast renewal': 1 },
    });
  });

  it('sums a run summary from its shards, statuses and types at zero left out, the latest change time', () => {
    const summary = summaryOf('r1', [
      { counters: { total: 2, 'status:pending': 2, 'type:x': 2 }, lastChangeAt: '2026-01-01T00:00:02.000Z' },
      { counters: { total: 1, 'status:pending': -1, 'status:error': 2, 'type:x': 1 }, lastChangeAt: '2026-01-01T00:00:05.000Z' },
      { counters: {} },
    ]);
    expect(summary).toEqual({
      billing_run_id: 'r1',
      total: 3,
      by_status: { error: 2, pending: 1 },
      by_type: { x: 3 },
      last_change_at: '2026-01-01T00:00:05.000Z',
    });
  });

  it('reads a stream record of the table: the tenant from the key, the TTL of a deleted record; other items tell none', () => {
    const image = (value: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: String(v) }]));
    const record = {
      dynamodb: {
        SequenceNumber: '7',
        Keys: image({ pk: 'tenant-x#id-1' }),
        OldImage: image({ pk: 'tenant-x#id-1', id: 'id-1', sys_version: 1, status: 'pending', billing_run_id: 'r', type: 't' }),
        NewImage: image({
          ...{ pk: 'tenant-x#id-1', id: 'id-1', sys_version: 2, status: 'pending', billing_run_id: 'r', type: 't' },
          ...{ sys_deleted_by_id: 'u', expires_at: 1234, sys_last_modified_at: '2026-01-01T00:00:00.000Z' },
        }),
      },
    };
    const streamed = streamedChangeOf(record as never);
    expect(streamed).toMatchObject({ sequence: '7', change: { tenantId: 'tenant-x', operation: 'deleted', expiresAt: 1234 } });
    const counter = { dynamodb: { SequenceNumber: '8', Keys: image({ pk: 'tenant-x#summary#r#1' }), NewImage: image({ total: 1 }) } };
    expect(streamedChangeOf(counter as never).change).toBeUndefined();
    // DynamoDB Local's stream gives an empty map as {} (no type): read as the empty map, at any depth.
    const pace = {
      dynamodb: {
        SequenceNumber: '9',
        Keys: image({ pk: '#bulkpace#tenants' }),
        NewImage: { pk: { S: '#bulkpace#tenants' }, tenants: {} },
      },
    };
    expect(streamedChangeOf(pace as never).change).toBeUndefined();
    const withEmpty = structuredClone(record);
    (withEmpty.dynamodb.NewImage as Record<string, unknown>).training_provider_billing_records = { L: [{}, { M: { note: {} } }] };
    expect(streamedChangeOf(withEmpty as never).change?.record.training_provider_billing_records).toEqual([{}, { note: {} }]);
  });
});

describe('the change event', () => {
  const change = changeOf('t1', undefined, item()) as RecordChange;

  it('carries the record while the entry stays within 256 KB, and says record_omitted past it', () => {
    expect(JSON.parse(changeDetailOf(change))).toMatchObject({
      tenant: 't1',
      operation: 'created',
      old_status: null,
      record: { id: 'id-1' },
    });
    const large = { ...change, record: { ...change.record, error_stack: 'x'.repeat(MAX_ENTRY_BYTES) } };
    const detail = changeDetailOf(large);
    expect(JSON.parse(detail)).toMatchObject({ record_omitted: true, new_status: 'pending' });
    expect(JSON.parse(detail).record).toBeUndefined();
    expect(entryBytes(detail)).toBeLessThan(MAX_ENTRY_BYTES);
  });

  it('is put 10 to a call, in order; failed entries are put again alone; one that keeps failing stops there', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    const calls: string[][] = [];
    let refusals = 2;
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }) => {
      const ids = Entries.map((entry: { Detail: string }) => JSON.parse(entry.Detail).id as string);
      calls.push(ids);
      return {
        Entries: ids.map((id: string) => (id === 'id-3' && refusals-- > 0 ? { ErrorCode: 'ThrottlingException' } : { EventId: `e-${id}` })),
      };
    });
    const changes = Array.from({ length: 12 }, (_, n) => ({ ...change, id: `id-${n}` }));
    const events = new EventBridgeChangeEvents(new EventBridgeClient({ region: 'us-east-1' }), 'bus');
    expect(await events.publish(changes)).toBeUndefined();
    expect(calls.map((ids) => ids.length)).toEqual([10, 1, 1, 2]);
    refusals = 100;
    expect(await events.publish(changes)).toBe(3);
    eventBridge.restore();
  }, 60_000);
});

describe('a batch of the stream', () => {
  const change = (id: string) => ({ sequence: `s-${id}`, change: { ...(changeOf('t1', undefined, item({ id })) as RecordChange) } });
  const deps = (uncounted: number | undefined, unpublished: number | undefined) => {
    const published: string[] = [];
    const counted: string[] = [];
    const summaries: RunSummaries = {
      count: async (changes: CountableChange[]) => {
        counted.push(...changes.slice(0, uncounted ?? changes.length).map((c) => c.id));
        return uncounted;
      },
      read: async () => undefined,
    };
    const events: ChangeEvents = {
      publish: async (changes) => {
        published.push(...changes.slice(0, unpublished ?? changes.length).map((c) => c.id));
        return unpublished;
      },
    };
    return { deps: { summaries, events }, published, counted };
  };
  const batch = [change('a'), { sequence: 's-x', change: undefined }, change('b'), change('c')];

  it('counts then publishes every change, skipping writes that tell none', async () => {
    const { deps: all, published } = deps(undefined, undefined);
    expect(await handleChanges(all, batch)).toEqual({});
    expect(published).toEqual(['a', 'b', 'c']);
  });

  it('answers the first change not counted, or not published, as the point the stream delivers again from', async () => {
    const countStopped = deps(1, undefined);
    expect(await handleChanges(countStopped.deps, batch)).toEqual({ failedFrom: 's-b' });
    expect(countStopped.published).toEqual(['a']);
    expect(await handleChanges(deps(undefined, 2).deps, batch)).toEqual({ failedFrom: 's-c' });
  });
});
