import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { documentClient } from './clients.ts';

const TABLE = process.env.SUMMARIES_TABLE_NAME as string;

const SHARDS = 16;

/** The baseline for a run's summary: one BatchGetCommand of the run's 16 counter items in the summaries table, nothing else. */
export const handler = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
  const { tenantId, billing_run_id: run } = event.pathParameters ?? {};
  const keys = Array.from({ length: SHARDS }, (_, shard) => ({ pk: `${tenantId}#summary#${run}#${shard}` }));
  const { Responses } = await documentClient.send(new BatchGetCommand({ RequestItems: { [TABLE]: { Keys: keys, ConsistentRead: true } } }));
  const items = Responses?.[TABLE] ?? [];
  return { statusCode: items.length ? 200 : 404, body: JSON.stringify(items.length ? items : { message: 'Not found' }) };
};
