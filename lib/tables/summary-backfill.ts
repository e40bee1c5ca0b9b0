import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbRunSummaries } from '../../lambdas/adapters/dynamodb/dynamodb-run-summaries.ts';
import { idOfRecordKey, tenantOfRecordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import type { CountableChange } from '../../lambdas/ports/run-summaries.ts';
import { liveRecordPages } from './live-records.ts';

/**
 * Records (of `tableName`) written before the change stream was on were never counted in their runs' summaries (in
 * `summariesTableName`): each
 * live one is counted now at the version read, on the same condition the stream's consumer keeps (only a
 * record no summary has counted yet, at any version), so a record the stream counted meanwhile, or counts
 * later from a newer version, is counted once all the same (dynamodb-run-summaries.ts). Run after the
 * stream is on: a change made during the scan is then the stream's. The local service runs it at start
 * on an older data directory; `npm run backfill -- --stack` on a deployed stack's table. Answers how
 * many live records it read.
 */
export async function backfillSummaries(client: DynamoDBDocumentClient, tableName: string, summariesTableName: string): Promise<number> {
  const summaries = new DynamoDbRunSummaries(client, summariesTableName);
  let read = 0;
  for await (const items of liveRecordPages(client, tableName)) {
    const changes: CountableChange[] = items
      .filter((item) => typeof item.sys_version === 'number' && typeof item.pk === 'string' && idOfRecordKey(item.pk) === item.id)
      .map((item) => ({
        tenantId: tenantOfRecordKey(String(item.pk)),
        id: String(item.id),
        version: item.sys_version as number,
        after: { billingRunId: String(item.billing_run_id), status: String(item.status), type: String(item.type) },
        time: String(item.sys_last_modified_at),
      }));
    const failed = await summaries.count(changes);
    if (failed !== undefined)
      throw new Error(`The table kept refusing the summaries' writes (${changes.length - failed} records of a page left)`);
    read += changes.length;
  }
  return read;
}
