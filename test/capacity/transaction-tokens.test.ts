import {
  DynamoDBClient,
  GetItemCommand,
  IdempotentParameterMismatchException,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  TransactionInProgressException,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbBillingRunActionRepository } from '../../lambdas/adapters/dynamodb/dynamodb-billing-run-action-repository.ts';
import { DynamoDbBulkLoads } from '../../lambdas/adapters/dynamodb/dynamodb-bulk-loads.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { CapacityLedger } from '../../lib/local/capacity/ledger.ts';
import { type RunningEmulator, sender, startEmulatorEndpoint } from '../../lib/local/capacity/proxy.ts';
import { AWS_CAPACITY, effective } from '../../lib/local/capacity/settings.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { awaitingLoad, storedRecord, uniqueName } from '../support/fixtures.ts';
import { lateTransactionAnswers } from '../support/late-answers.ts';

/*
 * A transaction whose first attempt lands but whose answer comes after the client gave the attempt up:
 * DynamoDB answers its retries by their ClientRequestToken (in progress, then the same success), and
 * so does the capacity emulator; the service's writes keep their token and wait the first attempt out.
 * Without that, the retry met the write itself: a stored create answered 409 or 429.
 */
const tables = { tableName: uniqueName('tokens'), tenantsTableName: uniqueName('tokens-tenants') };
const late = lateTransactionAnswers();
let ledger: CapacityLedger;
let emulator: RunningEmulator;

beforeAll(async () => {
  const setup = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
  await ensureTables(setup, tables);
  setup.destroy();
  ledger = new CapacityLedger(effective({ ...AWS_CAPACITY, scale: 20 }));
  emulator = await startEmulatorEndpoint(ledger, late.wrap(sender(inject('dynamoDbEndpoint'))));
});
afterAll(() => emulator.stop());

describe("the capacity emulator keeps a transaction's ClientRequestToken as DynamoDB does", () => {
  let client: DynamoDBClient;
  beforeAll(() => {
    client = new DynamoDBClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
      maxAttempts: 1,
    });
  });
  afterAll(() => client.destroy());

  const increment = (key: string, token: string, table = tables.tenantsTableName) =>
    new TransactWriteItemsCommand({
      ClientRequestToken: token,
      TransactItems: [
        {
          Update: {
            TableName: table,
            Key: { tenant_id: { S: key } },
            UpdateExpression: 'ADD n :one',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    });
  const countOf = async (key: string) =>
    Number(
      (await client.send(new GetItemCommand({ TableName: tables.tenantsTableName, Key: { tenant_id: { S: key } }, ConsistentRead: true })))
        .Item?.n?.N,
    );

  it('answers a retry while the first runs TransactionInProgressException, and once it landed the same success, applied once', async () => {
    late.next(1, 600);
    const first = client.send(increment('once', 'token-once'));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(client.send(increment('once', 'token-once'))).rejects.toBeInstanceOf(TransactionInProgressException);
    await first;
    await expect(client.send(increment('once', 'token-once'))).resolves.toBeDefined();
    expect(await countOf('once')).toBe(1);
    // Another item's transaction with the same token is not the same request.
    await expect(client.send(increment('other', 'token-once'))).rejects.toBeInstanceOf(IdempotentParameterMismatchException);
    expect(ledger.report().answeredByToken).toBe(3);
  });

  it('forgets the token of a cancelled transaction: asked again, it runs', async () => {
    const guarded = new TransactWriteItemsCommand({
      ClientRequestToken: 'token-cancelled',
      TransactItems: [
        {
          Update: {
            TableName: tables.tenantsTableName,
            Key: { tenant_id: { S: 'guarded' } },
            UpdateExpression: 'ADD n :one',
            ConditionExpression: 'attribute_exists(tenant_id)',
            ExpressionAttributeValues: { ':one': { N: '1' } },
          },
        },
      ],
    });
    await expect(client.send(guarded)).rejects.toBeInstanceOf(TransactionCanceledException);
    await new Promise((resolve) => setTimeout(resolve, 250)); // the emulator's hold on its item ends
    await client.send(new PutItemCommand({ TableName: tables.tenantsTableName, Item: { tenant_id: { S: 'guarded' }, n: { N: '0' } } }));
    await client.send(guarded);
    expect(await countOf('guarded')).toBe(1);
  });
});

describe("the service's transactions, when an attempt lands but its answer is lost", () => {
  // Each attempt may take 150 ms; the answers marked late come 1.5 s after the write landed, past the
  // SDK's three attempts: the adapters wait the first attempt out with its token.
  const client = () => createDocumentClient({ region: 'us-east-1', endpoint: emulator.url, requestTimeoutMs: 150 });
  let documents: ReturnType<typeof client>;
  let repository: DynamoDbBillingRunActionRepository;
  let registry: DynamoDbTenantRegistry;
  beforeAll(async () => {
    documents = client();
    repository = new DynamoDbBillingRunActionRepository(documents, tables.tableName, tables.tenantsTableName);
    registry = new DynamoDbTenantRegistry(documents, tables.tenantsTableName);
    await provisionTenant(registry, 'tenant-late', { maxActions: 100 });
    await new Promise((resolve) => setTimeout(resolve, 250));
  });
  afterAll(() => documents.destroy());

  it('a create answers its record once: one record stored, counted once', async () => {
    const record = storedRecord({ id: uniqueName('id') });
    late.next(1, 1_500);
    const answeredByToken = ledger.report().answeredByToken;
    await expect(repository.create('tenant-late', record)).resolves.toEqual({ record, replayed: false });
    expect(late.pending()).toBe(0);
    expect(ledger.report().answeredByToken).toBeGreaterThan(answeredByToken);
    expect(await repository.get('tenant-late', record.id, { consistentRead: true })).toEqual(record);
    expect(await registry.recordCount('tenant-late')).toBe(1);
  });

  it('a create with an idempotency key answers its record, not a replay of itself', async () => {
    const record = storedRecord({ id: uniqueName('id') });
    const now = Math.floor(Date.now() / 1000);
    late.next(1, 1_500);
    const claim = { key: uniqueName('key'), bodyHash: 'hash', now, expiresAt: now + 86_400 };
    await expect(repository.create('tenant-late', record, claim)).resolves.toEqual({ record, replayed: false });
    expect(await registry.recordCount('tenant-late')).toBe(2);
  });

  it('a delete (one of a batch, or on its own) answers once and gives its place back once', async () => {
    const record = storedRecord({ id: uniqueName('id') });
    await repository.create('tenant-late', record);
    await new Promise((resolve) => setTimeout(resolve, 250));
    late.next(1, 1_500);
    const deleted = { ...record, sys_version: record.sys_version + 1, sys_deleted_by_id: 'someone' };
    const deletion = { record: deleted, expiresAt: Math.floor(Date.now() / 1000) + 60 };
    await expect(repository.softDelete('tenant-late', deletion, record.sys_version)).resolves.toBeUndefined();
    expect(await repository.get('tenant-late', record.id, { consistentRead: true })).toBeUndefined();
    expect(await registry.recordCount('tenant-late')).toBe(2);
  });

  it('the start of a bulk load with a key answers the load it stored', async () => {
    const loads = new DynamoDbBulkLoads(documents, tables.tableName);
    const now = Math.floor(Date.now() / 1000);
    const load = awaitingLoad(uniqueName('load'));
    late.next(1, 1_500);
    const claim = { key: uniqueName('key'), bodyHash: 'hash', now, expiresAt: now + 86_400 };
    await expect(loads.create('tenant-late', load, claim)).resolves.toEqual({ load, replayed: false });
  });

  it("a change of the tenant's limit (the counter's rebalance) lands once, and the change is not reported lost", async () => {
    const tenant = await registry.get('tenant-late');
    late.next(1, 1_500);
    await registry.put({ ...(tenant as NonNullable<typeof tenant>), maxActions: 500 });
    expect((await registry.get('tenant-late'))?.maxActions).toBe(500);
    await new Promise((resolve) => setTimeout(resolve, 250));
    late.next(1, 1_500);
    await expect(registry.remove('tenant-late')).resolves.toBe(true);
  });
});
