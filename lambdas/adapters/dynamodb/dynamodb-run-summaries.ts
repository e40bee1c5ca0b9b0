import type { DynamoDBDocumentClient, TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { type RunCounts, type RunSummary, countsOf, summaryOf } from '../../domain/record-changes.ts';
import type { CountableChange, RunSummaries } from '../../ports/run-summaries.ts';
import { RETRY_POLICIES } from '../../retry-policies.ts';
import { RetriesExhausted, retrying } from '../../retry.ts';
import { storageBusy } from '../../storage-busy.ts';
import { readItemsByKey } from './records-by-key.ts';
import { PARTITION_KEY, RUN_SUMMARY_SHARDS, TTL_ATTRIBUTE, countedVersionKey, runSummaryKeys } from './table-design.ts';
import { cancellationReasons, transactWrite } from './transactions.ts';

/*
 * The run summaries in the records table (keys: table-design.ts). Each change is counted in one
 * transaction with its record's bookkeeping item, which holds the last version of the record counted:
 * the change counts only if its version is newer (`counted_version < v`), so a change the stream
 * delivers again, or a batch retried after it was half counted, counts nothing the second time.
 *
 * A record no summary has counted yet (no bookkeeping item) is counted from its state after the change
 * alone: its state before was never added, so nothing is taken away. That covers records written before
 * the stream was on (`npm run backfill-summaries` counts those it finds alike, on the same condition),
 * and makes a record counted at most once however its changes and the backfill meet. A change that
 * moves no counter (a patch that keeps status, type and run) is not written at all.
 *
 * The counters of a run are spread over 16 items; a transaction adds to one of them, chosen at random
 * (only the sum is read), so consumers counting the same run at once rarely meet on one item, and a
 * one-run load's counting is held to no single item's 1,000 write units a second.
 */
const COUNTED_VERSION = 'counted_version';
const LAST_CHANGE_AT = 'last_change_at';
/** TransactWriteItems' limit on items. */
const TRANSACTION_ITEMS = 100;
/**
 * Changes counted in one transaction at most: 25 bookkeeping items and their runs' counter items take
 * about 52 write units at once, which a table takes within a second at a twentieth of its warm
 * throughput (the bench's scaled emulator; 100 at once took 202 there and never got in), and hold their
 * counter item for a short transaction only.
 */
export const CHANGES_PER_TRANSACTION = 25;

interface Pending {
  position: number;
  change: CountableChange;
  /** Counted from its state after alone: no summary counted the record before. */
  first: boolean;
  counts: RunCounts;
}

/** Asked again at once: some changes of the transaction turned out counted already, or never counted before. */
class Recount extends Error {}

/** The change counted again, from its state after alone (`first`) or its state before and after; nothing when that moves no counter. */
function recount(pending: Pending, first: boolean): Pending[] {
  const counts = countsOf(pending.change, !first);
  return counts.size === 0 ? [] : [{ ...pending, first, counts }];
}

function pendingOf(changes: CountableChange[]): Pending[] {
  return changes.flatMap((change, position) => {
    const counts = countsOf(change);
    return counts.size === 0 ? [] : [{ position, change, first: change.before === undefined, counts }];
  });
}

/** The longest run of changes from the first that one transaction holds: each record once, its runs' counter items beside. */
function nextChunk(pending: Pending[]): Pending[] {
  const chunk: Pending[] = [];
  const runs = new Set<string>();
  const records = new Set<string>();
  for (const next of pending) {
    const recordKey = countedVersionKey(next.change.tenantId, next.change.id);
    const newRuns = [...next.counts.keys()].filter((run) => !runs.has(`${next.change.tenantId}#${run}`));
    if (chunk.length === CHANGES_PER_TRANSACTION) break;
    if (records.has(recordKey) || chunk.length + 1 + runs.size + newRuns.length > TRANSACTION_ITEMS) break;
    chunk.push(next);
    records.add(recordKey);
    for (const run of newRuns) runs.add(`${next.change.tenantId}#${run}`);
  }
  return chunk;
}

function markerUpdate(tableName: string, { change, first }: Pending) {
  const expires = change.after === undefined && change.expiresAt !== undefined;
  return {
    Update: {
      TableName: tableName,
      Key: { [PARTITION_KEY]: countedVersionKey(change.tenantId, change.id) },
      UpdateExpression: `SET ${COUNTED_VERSION} = :version${expires ? `, ${TTL_ATTRIBUTE} = :expires` : ''}`,
      ConditionExpression: first ? `attribute_not_exists(${COUNTED_VERSION})` : `${COUNTED_VERSION} < :version`,
      ExpressionAttributeValues: { ':version': change.version, ...(expires && { ':expires': change.expiresAt }) },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  };
}

function counterUpdates(tableName: string, chunk: Pending[]) {
  const runs = new Map<string, { tenantId: string; run: string; counters: Map<string, number>; lastChangeAt: string }>();
  for (const { change, counts } of chunk) {
    for (const [run, counters] of counts) {
      const key = `${change.tenantId}#${run}`;
      const entry = runs.get(key) ?? { tenantId: change.tenantId, run, counters: new Map<string, number>(), lastChangeAt: change.time };
      for (const [counter, amount] of counters) entry.counters.set(counter, (entry.counters.get(counter) ?? 0) + amount);
      if (change.time > entry.lastChangeAt) entry.lastChangeAt = change.time;
      runs.set(key, entry);
    }
  }
  return [...runs.values()].map(({ tenantId, run, counters, lastChangeAt }) => {
    const names = [...counters.keys()];
    const shard = Math.floor(Math.random() * RUN_SUMMARY_SHARDS);
    return {
      Update: {
        TableName: tableName,
        Key: { [PARTITION_KEY]: runSummaryKeys(tenantId, run)[shard] },
        UpdateExpression: `SET ${LAST_CHANGE_AT} = :at${names.length ? ` ADD ${names.map((_, n) => `#c${n} :c${n}`).join(', ')}` : ''}`,
        ...(names.length && { ExpressionAttributeNames: Object.fromEntries(names.map((name, n) => [`#c${n}`, name])) }),
        ExpressionAttributeValues: { ':at': lastChangeAt, ...Object.fromEntries(names.map((name, n) => [`:c${n}`, counters.get(name)])) },
      },
    };
  });
}

export class DynamoDbRunSummaries implements RunSummaries {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }

  async count(changes: CountableChange[]): Promise<number | undefined> {
    let pending = pendingOf(changes);
    while (pending.length > 0) {
      const chunk = nextChunk(pending);
      try {
        await this.countChunk(chunk);
      } catch {
        return chunk[0]?.position;
      }
      pending = pending.slice(chunk.length);
    }
    return undefined;
  }

  private async countChunk(chunk: Pending[]): Promise<void> {
    let left = chunk;
    const attempt = async () => {
      if (left.length === 0) return;
      const input: TransactWriteCommandInput = {
        TransactItems: [...left.map((pending) => markerUpdate(this.tableName, pending)), ...counterUpdates(this.tableName, left)],
      };
      try {
        await transactWrite(this.client, input);
        left = [];
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons?.slice(0, left.length).some((reason) => reason.Code === 'ConditionalCheckFailed')) throw error;
        left = left.flatMap((pending, n) => {
          const reason = reasons[n];
          if (reason?.Code !== 'ConditionalCheckFailed') return [pending];
          // The bookkeeping item as it stood (its attribute value as DynamoDB gives it in the reason).
          const counted = (reason.Item?.[COUNTED_VERSION] as { N?: string } | undefined)?.N;
          // Never counted: the record's state after the change alone.
          if (counted === undefined) return recount(pending, true);
          // Counted at this version or a later one already: nothing to do.
          if (Number(counted) >= pending.change.version) return [];
          // Counted at an older version meanwhile (another consumer's first count of it): from its state before.
          return pending.change.before ? recount(pending, false) : [];
        });
        throw new Recount();
      }
    };
    try {
      await retrying(RETRY_POLICIES.runCounts, attempt, (error) => error instanceof Recount || storageBusy(error));
    } catch (error) {
      throw error instanceof RetriesExhausted ? error.last : error;
    }
  }

  async read(tenantId: string, billingRunId: string): Promise<RunSummary | undefined> {
    const items = await readItemsByKey(this.client, this.tableName, runSummaryKeys(tenantId, billingRunId), 'counters of a run summary');
    if (items.length === 0) return undefined;
    return summaryOf(
      billingRunId,
      items.map((item) => ({
        counters: Object.fromEntries(
          Object.entries(item).filter(([name, value]) => name !== PARTITION_KEY && name !== LAST_CHANGE_AT && typeof value === 'number'),
        ) as Record<string, number>,
        ...(typeof item[LAST_CHANGE_AT] === 'string' && { lastChangeAt: item[LAST_CHANGE_AT] }),
      })),
    );
  }
}
