import { createDocumentClient } from '../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { TABLES, TENANT, benchRecord, insertRecords } from './fixture.ts';
import { type Figure, log, round } from './stats.ts';

const RUN = 'run-status-bench';
const RECORDS = 2_000;
/** Every hundredth record is in error: the 1% a run's operator asks for. */
const IN_ERROR_EVERY = 100;
const OTHER_STATUSES = ['completed', 'pending', 'excluded'] as const;

/**
 * `status_list_read_ratio`: the items DynamoDB reads to list the records in `error` of a 2,000-record
 * billing run (1% of it), over the records listed. Counted from the answers themselves: each Query's
 * `ScannedCount` (the index entries it read) and each BatchGetItem's items, on DynamoDB Local.
 */
export async function statusListFigure(endpoint: string): Promise<Figure> {
  log(`status list: the 1% in error of a ${RECORDS}-record run`);
  const records = Array.from({ length: RECORDS }, (_, index) =>
    benchRecord({
      billing_run_id: RUN,
      status: index % IN_ERROR_EVERY === 0 ? 'error' : OTHER_STATUSES[index % OTHER_STATUSES.length],
    }),
  );
  await insertRecords(endpoint, records);
  const client = createDocumentClient({ region: 'us-east-1', endpoint });
  const read = { query: 0, batchGet: 0, calls: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as { ScannedCount?: number; Responses?: Record<string, unknown[]> };
      read.calls += 1;
      if (context.commandName === 'QueryCommand') read.query += output.ScannedCount ?? 0;
      if (context.commandName === 'BatchGetItemCommand') read.batchGet += Object.values(output.Responses ?? {}).flat().length;
      return result;
    },
    { step: 'initialize', name: 'countItemsRead' },
  );
  const repository = new DynamoDbBillingRunActionRepository(client, TABLES.tableName, TABLES.tenantsTableName);
  let listed = 0;
  let afterId: string | undefined;
  do {
    const page = await repository.list(TENANT, 'billingRun', RUN, { limit: 100, status: 'error', ...(afterId && { afterId }) });
    listed += page.items.length;
    afterId = page.lastId;
  } while (afterId !== undefined);
  client.destroy();
  const expected = RECORDS / IN_ERROR_EVERY;
  if (listed !== expected) throw new Error(`the status list gave ${listed} records in error, not ${expected}`);
  return {
    name: 'status_list_read_ratio',
    value: round((read.query + read.batchGet) / listed),
    unit: 'ratio',
    bar: '<= 2',
    baseline: listed,
    details: { run_records: RECORDS, listed, index_entries_read: read.query, records_read: read.batchGet, calls: read.calls },
  };
}
