import * as z from 'zod';
import { type BillingRunAction, clientFieldsOf, writableRecordSchema } from '../domain/billing-run-action.ts';
import type { Caller } from '../domain/caller.ts';
import { newRecord } from '../domain/record-stamp.ts';
import { assertStorable, parseOrThrow } from '../domain/validation.ts';
import type { ActionDependencies } from './dependencies.ts';

const createSchema = writableRecordSchema.extend({
  id: z.never({ error: 'is assigned by the service; do not send it on create' }).optional(),
});

export async function createBillingRunAction(deps: ActionDependencies, caller: Caller, body: unknown): Promise<BillingRunAction> {
  const input = parseOrThrow(createSchema, body, 'billing run action');
  assertStorable(input);
  const record = newRecord(deps.newId(), clientFieldsOf(input), {
    caller,
    operation: 'createBillingRunAction',
    at: deps.clock().toISOString(),
  });
  await deps.repository.create(caller.tenantId, record);
  return record;
}
