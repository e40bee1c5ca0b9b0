import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { LOOKUP_INDEXES } from '../../lambdas/adapters/dynamodb/table-design.ts';

/** The records table's live records, a scan page at a time (a deleted record has no lookup keys, so it is left out). */
export async function* liveRecordPages(client: DynamoDBDocumentClient, tableName: string): AsyncGenerator<Record<string, unknown>[]> {
  const scan = paginateScan(
    { client },
    {
      TableName: tableName,
      FilterExpression: 'attribute_exists(#lookup)',
      ExpressionAttributeNames: { '#lookup': LOOKUP_INDEXES.billingRun.partitionKey },
    },
  );
  for await (const page of scan) yield page.Items ?? [];
}
