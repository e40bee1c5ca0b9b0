import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, documentClient } from './clients.ts';

/**
 * Reading an upload through (the prepare step): an UpdateCommand claims the load, a GetObject of the
 * uploaded version is read to its end, a PutObject writes the batches, an UpdateCommand stores the count.
 */
const s3 = new S3Client({ region: process.env.AWS_REGION ?? 'us-east-1' });

export const handler = async (event: { bucket: string; key: string; version: string }) => {
  const pk = `bench#bulkload#${event.key}`;
  const update = (expression: string, values: Record<string, unknown>) =>
    documentClient.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { pk },
        UpdateExpression: expression,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
  await update('SET upload_version = :version', { ':version': event.version });
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: event.bucket, Key: event.key, VersionId: event.version }));
  const text = (await Body?.transformToString()) ?? '';
  const lines = text.split('\n').filter((line) => line.trim() !== '').length;
  await s3.send(
    new PutObjectCommand({ Bucket: event.bucket, Key: `batches/${event.key}.jsonl`, Body: JSON.stringify({ first: 1, lines }) }),
  );
  await update('SET #lines = :lines', { ':lines': lines });
  return { status: 'loading', lines };
};
