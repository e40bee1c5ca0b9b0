import * as z from 'zod';
import { ID_PATTERN } from '../domain/billing-run-action.ts';
import { fieldsParameter } from '../domain/field-selection.ts';

/** Path and query parameters shared by the operations; each error names the parameter. */
export const idParameter = z.string().regex(ID_PATTERN, { error: `must match ${ID_PATTERN.source}` });

export const consistentReadParameter = z
  .enum(['true', 'false'], { error: "must be 'true' or 'false'" })
  .optional()
  .transform((value) => value === 'true');

export const limitParameter = z
  .string()
  .regex(/^\d{1,4}$/, { error: 'must be an integer from 1 to 1000' })
  .transform(Number)
  .pipe(z.number().int().min(1, { error: 'must be an integer from 1 to 1000' }).max(1000, { error: 'must be an integer from 1 to 1000' }))
  .optional()
  .transform((value) => value ?? 100);

export const listQuery = z.object({
  fields: fieldsParameter.optional(),
  limit: limitParameter,
  exclusiveStartKey: z.string().min(1, { error: 'must not be empty' }).optional(),
});

export { fieldsParameter };
