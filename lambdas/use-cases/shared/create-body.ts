import * as z from 'zod/mini';
import { clientFieldsOf } from '../../domain/client-fields.ts';
import { type ClientFields, writableRecordSchema } from '../../domain/record-schema.ts';
import { assertStorable, parseOrThrow } from '../../domain/validation.ts';

export const createSchema = z.extend(writableRecordSchema, {
  id: z.optional(z.never({ error: 'is assigned by the service; do not send it on create' })),
});

/** The client fields of a create body, or a 400 naming every offending field: what a create and each line of a bulk load accept. */
export function createBodyFields(body: unknown): ClientFields {
  const parsed = parseOrThrow(createSchema, body, 'billing run action');
  assertStorable(parsed);
  return clientFieldsOf(parsed);
}
