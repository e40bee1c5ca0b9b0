import type { BillingRunAction } from '../domain/record-schema.ts';
import { writableRecordSchema } from '../domain/record-schema.ts';
import type { Caller } from '../domain/caller.ts';
import { Conflict, ValidationFailed } from '../domain/errors.ts';
import { assertStorable, parseOrThrow } from '../domain/validation.ts';
import { readForChange, replaceFields } from './changeable-record.ts';
import type { With } from './dependencies.ts';

/** Full replacement of the writable fields, conditional on the version read: a lost race is a 409. */
export async function updateBillingRunAction(
  deps: With<'processing'>,
  caller: Caller,
  input: { id: string; body: unknown },
): Promise<BillingRunAction> {
  const body = parseOrThrow(writableRecordSchema, input.body, 'billing run action');
  if (body.id !== undefined && body.id !== input.id) {
    throw new ValidationFailed(`Body id '${body.id}' does not match the path id '${input.id}'`, {
      details: [{ path: 'id', message: 'must equal the id in the path' }],
    });
  }
  assertStorable(body);
  const current = await readForChange(deps, caller, input.id);
  if (body.sys_version !== undefined && body.sys_version !== current.sys_version) {
    throw new Conflict(`sys_version ${body.sys_version} does not match the stored version ${current.sys_version}; read the record again`, {
      details: [{ path: 'sys_version', message: `stored version is ${current.sys_version}` }],
    });
  }
  return replaceFields(deps, caller, 'updateBillingRunAction', current, body);
}
