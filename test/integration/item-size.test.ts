import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_ITEM_BYTES, itemSize } from '../../lambdas/domain/stored-size.ts';
import { storable } from '../../lambdas/adapters/dynamodb/attribute-values.ts';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { uniqueName } from '../support/fixtures.ts';

const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
const tableName = uniqueName('sizes');

beforeAll(() => ensureTables(client, { tableName, tenantsTableName: uniqueName('tenants') }));
afterAll(() => client.destroy());

/** An item of the given shape, its padding string grown until the estimate reaches `bytes` exactly. */
function itemOfSize(bytes: number, shape: (padding: string) => Record<string, unknown>): Record<string, unknown> {
  const base = itemSize(shape(''));
  const item = shape('p'.repeat(bytes - base));
  expect(itemSize(item)).toBe(bytes);
  return item;
}

const SHAPES: Record<string, (padding: string) => Record<string, unknown>> = {
  'a string': (padding) => ({ pk: 'string', s: padding }),
  'nested maps and lists': (padding) => ({
    pk: 'nested',
    records: [{ amount: 'x', currency: 'USD', nested: { deeper: ['a', 'bc', true, null, { e: padding }] } }, [], {}],
    flag: false,
    multibyte: 'é漢字😀',
  }),
};

describe("the item size estimate against DynamoDB Local's own count", () => {
  for (const [name, shape] of Object.entries(SHAPES)) {
    it(`counts ${name} as DynamoDB does: accepted at the limit, refused one byte past it`, async () => {
      await client.send(new PutCommand({ TableName: tableName, Item: itemOfSize(MAX_ITEM_BYTES, shape) }));
      await expect(client.send(new PutCommand({ TableName: tableName, Item: itemOfSize(MAX_ITEM_BYTES + 1, shape) }))).rejects.toThrow(
        /Item size has exceeded/,
      );
    });
  }

  it('never counts numbers below what DynamoDB does: an item of many numbers at the estimated limit is accepted', async () => {
    const numbers = [...Array.from({ length: 5_000 }, (_, i) => i * 1_000_003 + 0.5), 1e125, -1e-130, 9007199254740991, 0];
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: storable(itemOfSize(MAX_ITEM_BYTES, (padding) => ({ pk: 'numbers', numbers, padding }))) as Record<string, unknown>,
      }),
    );
  });
});
