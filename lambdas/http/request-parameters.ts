import * as z from 'zod/mini';
import { ID_PATTERN } from '../domain/billing-run-action.ts';
import { fieldsParameter } from '../domain/field-selection.ts';

/** Path and query parameters shared by the operations; each error names the parameter. */
export const idParameter = z.string().check(z.regex(ID_PATTERN, { error: `must match ${ID_PATTERN.source}` }));

export const consistentReadParameter = z.pipe(
  z.optional(z.enum(['true', 'false'], { error: "must be 'true' or 'false'" })),
  z.transform((value) => value === 'true'),
);

const LIMIT = 'must be an integer from 1 to 1000';
const limitParameter = z.pipe(
  z.optional(
    z.pipe(
      z.string().check(z.regex(/^\d{1,4}$/, { error: LIMIT })),
      z.pipe(z.transform(Number), z.int().check(z.minimum(1, { error: LIMIT }), z.maximum(1000, { error: LIMIT }))),
    ),
  ),
  z.transform((value) => value ?? 100),
);

export const listQuery = z.object({
  fields: z.optional(fieldsParameter),
  limit: limitParameter,
  exclusiveStartKey: z.optional(z.string().check(z.minLength(1, { error: 'must not be empty' }))),
});

export { fieldsParameter };
