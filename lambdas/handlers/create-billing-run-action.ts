import * as z from 'zod/mini';
import { parseOrThrow } from '../domain/validation.ts';
import { createHandler } from '../http/handler-factory.ts';
import { processingStarter } from '../composition.ts';
import { Reply } from '../http/http-event.ts';
import { createBillingRunAction } from '../use-cases/create-billing-run-action.ts';

const idempotencyKeyHeader = z.optional(
  z.string().check(z.regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1 to 255 visible ASCII characters' })),
);

export const handler = createHandler('createBillingRunAction', {
  processing: processingStarter,
  run: async ({ body, header }, caller, deps) => {
    const idempotencyKey = parseOrThrow(idempotencyKeyHeader, header('idempotency-key'), 'Idempotency-Key header', 'Idempotency-Key');
    const { record, replayed } = await createBillingRunAction(deps, caller, { body, idempotencyKey });
    return replayed ? new Reply(record, { 'Idempotent-Replayed': 'true' }) : record;
  },
});
