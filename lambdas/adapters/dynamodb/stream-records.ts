import type { DynamoDBRecord } from 'aws-lambda';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { changeOf } from '../../domain/record-changes.ts';
import type { StreamedChange } from '../../ports/change-events.ts';
import { UNMARSHALL_OPTIONS } from './attribute-values.ts';
import { PARTITION_KEY, TTL_ATTRIBUTE, recordKey, tenantOfRecordKey } from './table-design.ts';

type Image = Record<string, AttributeValue>;

/**
 * DynamoDB Local's stream gives an empty map as `{}`, with no type (DynamoDB's own gives `{"M": {}}`),
 * which the unmarshaller refuses: read as the empty map it is, at any depth.
 */
function typed(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Object.keys(value).length === 0) return { M: {} };
  const { M, L } = value as { M?: Record<string, unknown>; L?: unknown[] };
  if (M) return { M: Object.fromEntries(Object.entries(M).map(([key, element]) => [key, typed(element)])) };
  if (L) return { L: L.map(typed) };
  return value;
}
const itemOf = (image: unknown) =>
  image
    ? unmarshall(Object.fromEntries(Object.entries(image as Image).map(([key, value]) => [key, typed(value)])) as Image, UNMARSHALL_OPTIONS)
    : undefined;

/**
 * A record of the table's stream (NEW_AND_OLD_IMAGES) as the change it tells: the tenant from the
 * item's key, the record before and after. Any item that is not a record under its own key (a counter,
 * a claim, a load's bookkeeping) tells none.
 */
export function streamedChangeOf(record: DynamoDBRecord): StreamedChange {
  const sequence = record.dynamodb?.SequenceNumber ?? '';
  const key = itemOf(record.dynamodb?.Keys)?.[PARTITION_KEY];
  const before = itemOf(record.dynamodb?.OldImage);
  const after = itemOf(record.dynamodb?.NewImage);
  if (typeof key !== 'string' || typeof after?.id !== 'string' || key !== recordKey(tenantOfRecordKey(key), after.id)) {
    return { sequence, change: undefined };
  }
  const change = changeOf(tenantOfRecordKey(key), before, after);
  const expiresAt = after[TTL_ATTRIBUTE];
  return { sequence, change: change && { ...change, ...(typeof expiresAt === 'number' && { expiresAt }) } };
}
