import * as z from 'zod/mini';
import { RECORD_FIELDS } from './billing-run-action.ts';

const KNOWN_FIELDS = new Set<string>(RECORD_FIELDS);

/** `fields=a,b,c`: top-level record fields to return; `id` always comes back. */
export const fieldsParameter = z.pipe(
  z.string(),
  z.transform((value: string, context) => {
    const names = value.split(',').map((name) => name.trim());
    const unknown = names.filter((name) => !KNOWN_FIELDS.has(name));
    if (unknown.length > 0) {
      context.issues.push({ code: 'custom', input: value, message: `unknown field name(s): ${unknown.map((n) => `'${n}'`).join(', ')}` });
      return z.NEVER;
    }
    return new Set(names);
  }),
);
export type FieldSelection = z.infer<typeof fieldsParameter>;

export function selectFields(record: Record<string, unknown>, fields: FieldSelection | undefined): Record<string, unknown> {
  if (!fields) return record;
  const selected: Record<string, unknown> = { id: record.id };
  for (const name of fields) {
    if (record[name] !== undefined) selected[name] = record[name];
  }
  return selected;
}
