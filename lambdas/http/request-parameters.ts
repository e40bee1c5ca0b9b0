import * as z from 'zod/mini';
import { ID_PATTERN } from '../domain/billing-run-action.ts';
import { fieldsParameter } from '../domain/field-selection.ts';
import { parseOrThrow } from '../domain/validation.ts';

/** Path and query parameters shared by the operations; each error names the parameter. */
export const idParameter = z.string().check(z.regex(ID_PATTERN, { error: `must match ${ID_PATTERN.source}` }));

export const consistentReadParameter = z.pipe(
  z.optional(z.enum(['true', 'false'], { error: "must be 'true' or 'false'" })),
  z.transform((value) => value === 'true'),
);

/** A list page's `limit`: at most `max` items, `default` when the client gives none. */
export const LIST_LIMITS = { default: 100, max: 1000 } as const;
/** A read of a bulk load: where its page of line errors starts (the `errors_last_evaluated_key` of the previous read). */
export const bulkLoadQuery = z.strictObject({
  errorsExclusiveStartKey: z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,15}$/, { error: 'must be the errors_last_evaluated_key of a previous read of this load' })),
      z.transform(Number),
    ),
  ),
});

export { fieldsParameter };

const idempotencyKeyHeader = z.optional(
  z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1 to 255 visible ASCII characters' })),
);

/** The Idempotency-Key header of a create or a bulk load start, if sent; a 400 if malformed. */
export function idempotencyKeyOf(header: (name: string) => string | undefined): string | undefined {
  return parseOrThrow(idempotencyKeyHeader, header('idempotency-key'), 'Idempotency-Key header', 'Idempotency-Key');
}
