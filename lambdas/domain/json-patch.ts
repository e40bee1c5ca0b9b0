import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import * as z from 'zod/mini';
import { Conflict, PayloadTooLarge, ValidationFailed } from './errors.ts';
import { cloneJson, jsonEquals } from './json-values.ts';
import { MAX_ITEM_BYTES, storedSize } from './stored-size.ts';
import { SERVER_MANAGED_FIELDS } from './billing-run-action.ts';

const isPointer = (value: unknown): value is string => typeof value === 'string' && (value === '' || value.startsWith('/'));
const pointer = z.string().check(z.refine(isPointer, { error: 'must be a JSON Pointer ("" or starting with "/")' }));
const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
const NEEDS_VALUE = new Set<string>(['add', 'replace', 'test']);
const NEEDS_FROM = new Set<string>(['move', 'copy']);

/**
 * RFC 6902 operations. Members an operation does not define are ignored, as the RFC requires. One
 * object schema with the per-op requirements as a check, rather than a union of six: the same answers,
 * and less to build on every cold start.
 */
const patchOperationSchema = z
  .object({
    op: z.enum(OPS, { error: `op must be one of ${OPS.join(', ')}` }),
    path: pointer,
    from: z.optional(z.unknown()),
    value: z.optional(z.unknown()),
  })
  .check(
    z.superRefine((operation, context) => {
      if (NEEDS_VALUE.has(operation.op) && operation.value === undefined) {
        context.issues.push({ code: 'custom', input: operation, path: ['value'], message: `value is required for ${operation.op}` });
      }
      if (NEEDS_FROM.has(operation.op) && !isPointer(operation.from)) {
        const message =
          operation.from === undefined ? `from is required for ${operation.op}` : 'must be a JSON Pointer ("" or starting with "/")';
        context.issues.push({ code: 'custom', input: operation, path: ['from'], message });
      }
    }),
  );

const MAX_PATCH_OPERATIONS = 100;
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
    const pointers = NEEDS_FROM.has(operation.op) ? [operation.path, operation.from as string] : [operation.path];
    for (const p of pointers) {
      if (segmentsOf(p).some((segment) => FORBIDDEN_SEGMENTS.has(segment))) {
        details.push({ path: `${field}.${index}`, message: `path '${p}' is forbidden (prototype pollution)` });
      }
    }
    if (operation.op === 'test') return;
    const changed = operation.op === 'move' ? [operation.path, operation.from as string] : [operation.path];
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
  MOVE_INTO_ITSELF: "a value cannot be moved into one of its own members ('from' is a prefix of 'path')",
};

type Validator = (operation: Operation, index: number, document: unknown, existingPathFragment: string) => void;

/**
 * fast-json-patch's checks, except that a `from` is resolved by the patch itself: the library's own
 * check of it copies the whole document on every move and copy.
 */
const validateOperation: Validator = (operation, index, document, existingPathFragment) => {
  if (operation.op === 'move' || operation.op === 'copy') fastJsonPatch.validator(operation, index);
  else fastJsonPatch.validator(operation, index, document, existingPathFragment);
};

/** The operation's shape only: a `test` reads its path as the library's own `test` does (a missing last step is undefined). */
const validateShape: Validator = (operation, index) => fastJsonPatch.validator(operation, index);

/**
 * A `test`, as the library runs it but with jsonEquals: the library's comparison calls the data's own
 * `hasOwnProperty`, which an object whose keys are data may hold.
 */
function assertTest(document: unknown, operation: PatchDocument[number], index: number): void {
  const get = { op: '_get', path: operation.path, value: undefined as unknown };
  fastJsonPatch.applyOperation(document, get as unknown as Operation, validateShape, true, true, index);
  if (!jsonEquals(get.value, operation.value)) {
    throw new fastJsonPatch.JsonPatchError('Test operation failed', 'TEST_OPERATION_FAILED', index, operation as Operation, undefined);
  }
}

function valueAt(document: unknown, from: string, index: number): unknown {
  const get = { op: '_get', path: from, value: undefined as unknown };
  try {
    fastJsonPatch.applyOperation(document, get as unknown as Operation, validateOperation, true, true, index);
  } catch (error) {
    if (!(error instanceof fastJsonPatch.JsonPatchError)) throw error;
    throw new fastJsonPatch.JsonPatchError(
      'from does not resolve',
      'OPERATION_FROM_UNRESOLVABLE',
      index,
      get as unknown as Operation,
      undefined,
    );
  }
  return get.value;
}

/**
 * Applies a patch to a copy of `document`, one operation at a time. What a patch writes (the values
 * of add and replace, and what copy duplicates) may not pass DynamoDB's item limit in all, so copies
 * of copies stop long before they cost time or memory (413). Values are copied as they go in, so a
 * patch can be applied again to a fresh read. A failed `test` is a 409; a patch that cannot apply is
 * a 400 naming the operation. Error messages never echo the document.
 */
export function applyPatch<T extends object>(document: T, patch: PatchDocument, field = 'body'): Record<string, unknown> {
  // The library reads a path's steps as `object[key]`: on objects without a prototype, a step named
  // `toString` or `hasOwnProperty` finds a member of the record or nothing, as any other name does.
  let patched: unknown = cloneJson(document, true);
  let written = 0;
  const write = (value: unknown, index: number): unknown => {
    written += storedSize(value);
    if (written > MAX_ITEM_BYTES) {
      throw new PayloadTooLarge(
        `Patch cannot be applied: by operation ${index} it writes more than DynamoDB's item limit of 400 KB (${MAX_ITEM_BYTES} bytes)`,
        { details: [{ path: `${field}.${index}`, message: 'the values this patch writes pass 400 KB' }] },
      );
    }
    return cloneJson(value, true);
  };
  patch.forEach((operation, index) => {
    try {
      let step = operation as Operation;
      if (operation.op === 'copy') {
        step = { op: 'add', path: operation.path, value: write(valueAt(patched, operation.from as string, index), index) };
      } else if (operation.op === 'move') {
        valueAt(patched, operation.from as string, index);
        if (operation.path.startsWith(`${operation.from as string}/`))
          throw cannotApply(FAILURE_MESSAGES.MOVE_INTO_ITSELF as string, index, field);
      } else if (operation.op === 'add' || operation.op === 'replace') {
        step = { op: operation.op, path: operation.path, value: write(operation.value, index) };
      } else if (operation.op === 'test') {
        assertTest(patched, operation, index);
        return;
      }
      patched = fastJsonPatch.applyOperation(patched, step, validateOperation, true, true, index).newDocument;
    } catch (error) {
      throw patchError(error, index, field);
    }
  });
  return cloneJson(patched) as Record<string, unknown>;
}

const cannotApply = (message: string, index: number, field: string, cause?: unknown): ValidationFailed =>
  new ValidationFailed(`Patch cannot be applied: ${message}`, { details: [{ path: `${field}.${index}`, message }], cause });

function patchError(error: unknown, index: number, field: string): unknown {
  if (error instanceof fastJsonPatch.JsonPatchError) {
    if (error.name === 'TEST_OPERATION_FAILED') {
      return new Conflict(`Patch test failed at operation ${index}`, { details: [{ path: `${field}.${index}`, message: 'test failed' }] });
    }
    return cannotApply(FAILURE_MESSAGES[error.name] ?? 'the operation cannot be applied', index, field, error);
  }
  // The library writes through the path without checking that its last step is a container ("/name/x" on a string).
  if (error instanceof TypeError) return cannotApply('the path does not lead into an object or array', index, field, error);
  return error;
}
