import { clientFieldsOf } from '../domain/client-fields.ts';
import type { BillingRunAction } from '../domain/record-schema.ts';
import { writableRecordSchema } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { applyPatch, assertPatchAllowed, patchDocumentSchema } from '../domain/json-patch.ts';
import { jsonEquals } from '../domain/json-values.ts';
import { assertStorable, parseOrThrow } from '../domain/validation.ts';
import { changeWithRetries, replaceFields } from './changeable-record.ts';
import type { Deadline, With } from './dependencies.ts';

/**
 * RFC 6902 patch of one record; the result must still be a valid record. A patch that changes nothing
 * writes nothing. With a deadline (in a batch), its retries and storage calls keep to it.
 */
export async function patchBillingRunAction(
  deps: With<'processing'>,
  caller: Caller,
  input: { id: string; patch: unknown },
  deadline?: Deadline,
): Promise<BillingRunAction> {
  const patch = parseOrThrow(patchDocumentSchema, input.patch, 'JSON Patch document');
  assertPatchAllowed(patch);
  return changeWithRetries(deps, caller, input.id, deadline, async (current) => {
    const patched = parseOrThrow(writableRecordSchema, applyPatch(current, patch), 'patched billing run action');
    assertStorable(patched);
    if (jsonEquals(clientFieldsOf(patched), clientFieldsOf(current))) return current;
    return replaceFields(deps, caller, 'patchBillingRunAction', current, patched, deadline);
  });
}
