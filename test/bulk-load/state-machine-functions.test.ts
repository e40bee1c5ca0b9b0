import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { LineRange } from '../../lambdas/domain/ndjson-lines.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBulkLoads } from '../../lambdas/adapters/dynamodb/dynamodb-bulk-loads.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { lambdaContext } from '../../testkit/api-gateway-event.ts';
import { awaitingLoad, uniqueName } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';

/**
 * The state machine's three functions as AWS runs them: S3 events and objects (the S3 client mocked:
 * ranged, versioned GetObject; the batches PutObject) on DynamoDB Local.
 */
const tables = { tableName: uniqueName('aws-bulk'), tenantsTableName: uniqueName('aws-bulk-tenants') };
vi.hoisted(() => {
  process.env.AWS_REGION = 'eu-west-1';
});
const s3 = mockClient(S3Client);
const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const loads = new DynamoDbBulkLoads(client, tables.tableName);
const object = { bucket: 'uploads-bucket', key: 'uploads/tenant-a/load-aws.ndjson', version: 'v1' };
const file = Buffer.from([JSON.stringify(validBody({ name: 'one' })), '', 'oops', JSON.stringify(validBody({ name: 'four' }))].join('\n'));

let steps: {
  prepare: typeof import('../../lambdas/handlers/bulk-load-prepare.ts').handler;
  chunk: typeof import('../../lambdas/handlers/bulk-load-chunk.ts').handler;
  finish: typeof import('../../lambdas/handlers/bulk-load-finish.ts').handler;
};
beforeAll(async () => {
  Object.assign(process.env, { TABLE_NAME: tables.tableName, TENANTS_TABLE_NAME: tables.tenantsTableName });
  process.env.DYNAMODB_ENDPOINT = inject('dynamoDbEndpoint');
  process.env.BULK_BATCH_LINES = '2';
  // As the stack gives the chunk function (no line of this file is in processing: nothing is sent to the queue).
  process.env.STATE_MACHINE_ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:processor';
  process.env.PROCESSING_QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/starts';
  await ensureTables(client, tables);
  await provisionTenant(new DynamoDbTenantRegistry(client, tables.tenantsTableName), 'tenant-a');
  await loads.create('tenant-a', awaitingLoad('load-aws', 'aws.ndjson'));
  steps = {
    prepare: (await import('../../lambdas/handlers/bulk-load-prepare.ts')).handler,
    chunk: (await import('../../lambdas/handlers/bulk-load-chunk.ts')).handler,
    finish: (await import('../../lambdas/handlers/bulk-load-finish.ts')).handler,
  };
});
afterAll(() => client.destroy());

describe('the bulk load state machine’s functions, on S3 objects', () => {
  it('read the uploaded version through into a batches object, load each batch from its byte range, and end the load', async () => {
    const reads: (string | undefined)[] = [];
    s3.on(GetObjectCommand).callsFake((input) => {
      expect(input).toMatchObject({ Bucket: 'uploads-bucket', Key: object.key, VersionId: 'v1' });
      reads.push(input.Range);
      const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? '') ?? [];
      return { Body: Readable.from([from === undefined ? file : file.subarray(Number(from), Number(to) + 1)]) };
    });
    let batchesObject = '';
    s3.on(PutObjectCommand).callsFake((input) => {
      expect(input).toMatchObject({ Bucket: 'uploads-bucket', Key: 'batches/tenant-a/load-aws.jsonl' });
      batchesObject = String(input.Body);
    });

    const prepared = await steps.prepare(object, lambdaContext('prepare-1'));
    expect(prepared).toMatchObject({
      ...object,
      tenantId: 'tenant-a',
      loadId: 'load-aws',
      batchesKey: 'batches/tenant-a/load-aws.jsonl',
      status: 'loading',
    });
    const batches = batchesObject
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as LineRange);
    expect(batches.map((batch) => [batch.first, batch.last])).toEqual([
      [1, 3],
      [4, 4],
    ]);
    // As the Distributed Map's item selector hands them over; one batch twice, as after a retry.
    for (const batch of [...batches, batches[0] as LineRange]) {
      await steps.chunk({ ...object, tenantId: 'tenant-a', loadId: 'load-aws', batch }, lambdaContext('chunk'));
    }
    expect(reads.slice(1)).toEqual([
      `bytes=${batches[0]?.start}-${(batches[0]?.end ?? 0) - 1}`,
      `bytes=${batches[1]?.start}-${(batches[1]?.end ?? 0) - 1}`,
    ]);
    expect(await steps.finish({ key: object.key }, lambdaContext('finish'))).toMatchObject({ status: 'completed with errors' });
    expect(await loads.get('tenant-a', 'load-aws')).toMatchObject({ status: 'completed with errors', lines: 3, loaded: 2, failed: 1 });
  });

  it('fail the load with the error that stopped the state machine', async () => {
    await loads.create('tenant-a', awaitingLoad('load-stopped', 's.ndjson'));
    await steps.finish(
      { key: 'uploads/tenant-a/load-stopped.ndjson', error: { Error: 'States.ItemReaderFailed' } },
      lambdaContext('finish'),
    );
    expect(await loads.get('tenant-a', 'load-stopped')).toMatchObject({
      status: 'failed',
      message: 'Loading stopped: States.ItemReaderFailed',
    });
  });
});
