import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchGetCommand, BatchWriteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, TENANTS_TABLE, documentClient } from './clients.ts';

/**
 * Loading one batch (the chunk step): GetCommands of the batch's bookkeeping item and the load, a
 * BatchGetCommand of the tenant and its counter's 32 shards; a ranged GetObject of its lines; a TransactWriteCommand reserving room; a BatchWriteCommand
 * of the records; a TransactWriteCommand marking the batch done with the load's counts.
 */
const s3 = new S3Client({ region: process.env.AWS_REGION ?? 'us-east-1' });

export const handler = async (event: {
  bucket: string;
  key: string;
  version: string;
  tenantId: string;
  batch: { start: number; end: number };
}) => {
  const load = `${event.tenantId}#bulkload#bench`;
  const get = (TableName: string, Key: Record<string, string>) =>
    documentClient.send(new GetCommand({ TableName, Key, ConsistentRead: true }));
  await get(TABLE, { pk: `${load}#chunk#1` });
  await get(TABLE, { pk: load });
  const { Body } = await s3.send(
    new GetObjectCommand({
      Bucket: event.bucket,
      Key: event.key,
      VersionId: event.version,
      Range: `bytes=${event.batch.start}-${event.batch.end - 1}`,
    }),
  );
  const records = ((await Body?.transformToString()) ?? '').split('\n').filter((line) => line.trim() !== '');
  const counter = [event.tenantId, ...Array.from({ length: 32 }, (_, shard) => `${event.tenantId}#counter#${shard}`)];
  await documentClient.send(
    new BatchGetCommand({ RequestItems: { [TENANTS_TABLE]: { Keys: counter.map((tenant_id) => ({ tenant_id })), ConsistentRead: true } } }),
  );
  const chunk = {
    Put: { TableName: TABLE, Item: { pk: `${load}#chunk#1`, state: 'reserved' }, ConditionExpression: 'attribute_not_exists(pk)' },
  };
  await documentClient.send(new TransactWriteCommand({ TransactItems: [chunk] }));
  await documentClient.send(
    new BatchWriteCommand({
      RequestItems: { [TABLE]: records.map((line, i) => ({ PutRequest: { Item: { ...JSON.parse(line), pk: `${load}#record#${i}` } } })) },
    }),
  );
  const done = {
    Update: { TableName: TABLE, Key: { pk: load }, UpdateExpression: 'ADD loaded :n', ExpressionAttributeValues: { ':n': records.length } },
  };
  await documentClient.send(new TransactWriteCommand({ TransactItems: [done] }));
  return { loaded: records.length, failed: 0 };
};
