import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import * as z from 'zod/mini';
import { Conflict, ValidationFailed } from './errors.ts';
import { SERVER_MANAGED_FIELDS } from './billing-run-action.ts';

const pointer = z
  .string()
  .check(z.refine((value) => value === '' || value.startsWith('/'), { error: 'must be a JSON Pointer ("" or starting with "/")' }));
const value = z.unknown().check(z.refine((v) => v !== undefined, { error: 'value is required' }));

/** RFC 6902 operations. Members an operation does not define are ignored, as the RFC requires. */
export const patchOperationSchema = z.discriminatedUnion(
  'op',
  [
    z.object({ op: z.literal('add'), path: pointer, value }),
    z.object({ op: z.literal('remove'), path: pointer }),
    z.object({ op: z.literal('replace'), path: pointer, value }),
    z.object({ op: z.literal('move'), from: pointer, path: pointer }),
    z.object({ op: z.literal('copy'), from: pointer, path: pointer }),
    z.object({ op: z.literal('test'), path: pointer, value }),
  ],
  { error: 'op must be one of add, remove, replace, move, copy, test' },
);

export const MAX_PATCH_OPERATIONS = 100;
export const patchDocumentSchema = z
  .array(patchOperationSchema, { error: 'must be a JSON Patch document (an array of operations)' })
  .check(
    z.minLength(1, { error: `must hold 1 to ${MAX_PATCH_OPERATIONS} operations` }),
    z.maxLength(MAX_PATCH_OPERATIONS, { error: `must hold 1 to ${MAX_PATCH_OPERATIONS} operations` }),
  );
export type PatchDocument = z.infer<typeof patchDocumentSchema>;

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const PROTECTED_FIELDS = new Set<string>(SERVER_MANAGED_FIELDS);

function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/**
 * Refuses what the service never lets a patch do: reach into prototypes, replace the whole
 * document, or change `id` and the server-managed fields (testing them is fine).
 */
export function assertPatchAllowed(patch: PatchDocument, field = 'body'): void {
  const details: { path: string; message: string }[] = [];
  patch.forEach((operation, index) => {
    const pointers = 'from' in operation ? [operation.path, operation.from] : [operation.path];
    for (const p of pointers) {
      if (segmentsOf(p).some((segment) => FORBIDDEN_SEGMENTS.has(segment))) {
        details.push({ path: `${field}.${index}`, message: `path '${p}' is forbidden (prototype pollution)` });
      }
    }
    if (operation.op === 'test') return;
    const changed = operation.op === 'move' ? [operation.path, operation.from] : [operation.path];
    for (const p of changed) {
      const top = segmentsOf(p)[0];
      if (top === undefined) {
        details.push({ path: `${field}.${index}`, message: 'the whole document cannot be replaced or removed' });
      } else if (PROTECTED_FIELDS.has(top)) {
        details.push({ path: `${field}.${index}`, message: `'/${top}' is managed by the service and cannot be changed` });
      }
    }
  });
  if (details.length > 0) throw new ValidationFailed('Invalid patch: it changes fields it may not change', { details });
}

const FAILURE_MESSAGES: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: 'the path does not exist in the record',
  OPERATION_FROM_UNRESOLVABLE: "the 'from' path does not exist in the record",
  OPERATION_PATH_CANNOT_ADD: 'cannot add a value at this path',
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: 'array index must be an unsigned base-10 integer or "-"',
  OPERATION_VALUE_OUT_OF_BOUNDS: 'array index is past the end of the array',
};

/**
 * Applies a patch to a copy of `document`. A failed `test` is a 409; a patch that cannot apply is a 400
 * naming the operation. Error messages never echo the document.
 */
export function applyPatch<T extends object>(document: T, patch: PatchDocument, field = 'body'): Record<string, unknown> {
  try {
    return fastJsonPatch.applyPatch(document, patch as Operation[], true, false, true).newDocument as Record<
      string,
      unknown
    >;
  } catch (error) {
    if (error instanceof fastJsonPatch.JsonPatchError) {
      const where = `${field}.${error.index ?? 0}`;
      if (error.name === 'TEST_OPERATION_FAILED') {
        throw new Conflict(`Patch test failed at operation ${error.index ?? 0}`, { details: [{ path: where, message: 'test failed' }] });
      }
      const message = FAILURE_MESSAGES[error.name] ?? 'the operation cannot be applied';
      throw new ValidationFailed(`Patch cannot be applied: ${message}`, { details: [{ path: where, message }], cause: error });
    }
    throw error;
  }
}
