import { ExactNumber } from './json-values.ts';

/** DynamoDB's item limit, attribute names and values together: 400 KB (DynamoDB Local refuses one byte more). */
export const MAX_ITEM_BYTES = 400 * 1024;

const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The bytes DynamoDB counts for a value (its "item sizes and formats" rules): strings their UTF-8
 * length, numbers a byte per two digits plus one (counted from their text, so never less), null and
 * booleans one, lists and maps three plus, per element, one and (maps) the key's length.
 */
export function storedSize(value: unknown): number {
  if (typeof value === 'string') return utf8Length(value);
  if (typeof value === 'number') return Math.ceil(String(value).length / 2) + 1;
  if (value instanceof ExactNumber) return Math.ceil(value.text.length / 2) + 1;
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) {
    let size = 3;
    for (const element of value) size += 1 + storedSize(element);
    return size;
  }
  if (typeof value === 'object') return 3 + membersSize(value as Record<string, unknown>, 1);
  return 0;
}

function membersSize(members: Record<string, unknown>, overhead: number): number {
  let size = 0;
  for (const key of Object.keys(members)) {
    const member = members[key];
    if (member !== undefined) size += overhead + utf8Length(key) + storedSize(member);
  }
  return size;
}

/** The size of an item: its attribute names and values. */
export const itemSize = (item: Record<string, unknown>): number => membersSize(item, 0);
