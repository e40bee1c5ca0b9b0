/**
 * DynamoDB's capacity arithmetic on items as they travel (AttributeValue JSON), by the rules of
 * "Item sizes and formats" that lambdas/domain/stored-size.ts applies to native values (a test holds
 * the two together): strings their UTF-8 length, numbers a byte per two characters plus one,
 * binary its length, null and booleans one, lists and maps three plus one per element (and, in maps,
 * the key's length), sets the sum of their elements.
 */
export type AttributeValue = Record<string, unknown>;
export type Item = Record<string, AttributeValue>;

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/** A number's bytes, counted from its text as stored-size.ts counts them (never less than DynamoDB's count). */
const numberSize = (text: string): number => Math.ceil(text.length / 2) + 1;

export function attributeValueSize(value: AttributeValue): number {
  if ('S' in value) return utf8(value.S as string);
  if ('N' in value) return numberSize(value.N as string);
  if ('B' in value) return Buffer.from(value.B as string, 'base64').length;
  if ('BOOL' in value || 'NULL' in value) return 1;
  if ('SS' in value) return (value.SS as string[]).reduce((sum, text) => sum + utf8(text), 0);
  if ('NS' in value) return (value.NS as string[]).reduce((sum, text) => sum + numberSize(text), 0);
  if ('BS' in value) return (value.BS as string[]).reduce((sum, data) => sum + Buffer.from(data, 'base64').length, 0);
  if ('L' in value) return (value.L as AttributeValue[]).reduce((sum, element) => sum + 1 + attributeValueSize(element), 3);
  if ('M' in value) return 3 + membersSize(value.M as Item, 1);
  return 0;
}

function membersSize(members: Item, overhead: number): number {
  let size = 0;
  for (const [name, member] of Object.entries(members)) size += overhead + utf8(name) + attributeValueSize(member);
  return size;
}

/** An item's size: its attribute names and values. */
export const itemSize = (item: Item): number => membersSize(item, 0);

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;

/** Write units of writing (or deleting) an item of `bytes`: one per KB begun, at least one; a transaction's count twice. */
export const writeUnits = (bytes: number, transactional = false): number =>
  Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES)) * (transactional ? 2 : 1);

/**
 * Read units of reading `bytes` (one item, or a query's items together): one per 4 KB begun, at
 * least one; an eventually consistent read half; a transaction's twice.
 */
export function readUnits(bytes: number, mode: 'eventual' | 'strong' | 'transactional'): number {
  const units = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  return mode === 'eventual' ? units / 2 : mode === 'strong' ? units : units * 2;
}

/** The part of an item a GSI holds (its projection): all of it, its keys, or its keys and some attributes. */
export function projectedSize(
  item: Item,
  projection: { keys: string[]; type: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; include?: string[] },
): number {
  if (projection.type === 'ALL') return itemSize(item);
  const names = new Set([...projection.keys, ...(projection.type === 'INCLUDE' ? (projection.include ?? []) : [])]);
  return itemSize(Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name))));
}
