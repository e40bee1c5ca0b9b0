import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LINE_ERRORS_KEPT } from '../../lambdas/domain/bulk-load.ts';
import { SERVER_MANAGED_FIELDS } from '../../lambdas/domain/billing-run-action.ts';
import { writableRecordSchema } from '../../lambdas/domain/record-schema.ts';
import { CHANGE_STAMP_FIELDS, newRecord, nextVersion } from '../../lambdas/domain/record-stamp.ts';
import { Conflict, ERROR_LIMITS, PayloadTooLarge, ValidationFailed, clipped } from '../../lambdas/domain/errors.ts';
import { applyPatch, assertPatchAllowed, patchDocumentSchema } from '../../lambdas/domain/json-patch.ts';
import { parseOrThrow, unstorableIssues } from '../../lambdas/domain/validation.ts';
import { caller } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('the record schema', () => {
  it('accepts a complete record with every optional field', () => {
    const body = validBody({
      last_refresh_date: '2026-11-29T10:00:00.123+02:00',
      outcome_of_last_refresh: 'added',
      error_stack: 'x'.repeat(32 * 1024),
      email_training_provider_invoice: true,
      sys_calculated_field_errors: [{ field: 'name', error: 'too long' }],
      sys_bulk_load_record_no: 4,
    });
    expect(writableRecordSchema.parse(body)).toEqual(body);
  });

  it('names a missing field as required and an unknown one as unknown', () => {
    const error = thrown(() =>
      parseOrThrow(writableRecordSchema, { ...validBody({ name: undefined }), extra: 1 }, 'record'),
    ) as ValidationFailed;
    expect(error).toBeInstanceOf(ValidationFailed);
    expect(error.details).toEqual([
      { path: 'name', message: 'is required' },
      { path: 'extra', message: 'unknown field' },
    ]);
  });

  it('limits error_stack to 32 KiB of UTF-8, not characters', () => {
    const result = writableRecordSchema.safeParse(validBody({ error_stack: 'é'.repeat(16 * 1024 + 1) }));
    expect(result.success).toBe(false);
  });

  it.each(['2026-11-29', '2026-11-29T10:00:00', 'yesterday', '2026-13-01T00:00:00Z'])('refuses the date %s', (date) => {
    expect(writableRecordSchema.safeParse(validBody({ date })).success).toBe(false);
  });
});

describe('bounded errors', () => {
  it('cuts a long text, never inside a surrogate pair, and says how many characters it had', () => {
    expect(clipped('abc', 3)).toBe('abc');
    expect(clipped('abcdef', 3)).toBe('abc… (6 characters)');
    expect(clipped('ab😀cd', 3)).toBe('ab… (5 characters)');
    expect(clipped('ab😀cd', 4)).toBe('ab😀… (5 characters)');
  });

  it('are stated in docs/api.md with the limits the code keeps', () => {
    const docs = readFileSync(resolve(import.meta.dirname, '../../docs/api.md'), 'utf8').replace(/\s+/g, ' ');
    const n = (value: number) => value.toLocaleString('en-US');
    expect(docs).toContain(`a \`message\` holds at most ${n(ERROR_LIMITS.messageCharacters)} characters`);
    expect(docs).toContain(
      `each detail's \`path\` ${ERROR_LIMITS.pathCharacters} and its \`message\` ${ERROR_LIMITS.detailMessageCharacters}`,
    );
    expect(docs).toContain(`\`details\` lists at most ${ERROR_LIMITS.details} fields`);
    expect(docs).toContain(`names the first ${ERROR_LIMITS.pathsInMessage} and says how many more`);
    expect(docs).toContain(`up to ${n(LINE_ERRORS_KEPT)}, fewer when they would not fit`);
  });

  it('keeps every error within its limits, whatever it was made with', () => {
    const error = new ValidationFailed('m'.repeat(10_000), {
      details: Array.from({ length: 500 }, () => ({ path: 'p'.repeat(1_000), message: 'x'.repeat(1_000) })),
    });
    expect(error.message.length).toBeLessThanOrEqual(ERROR_LIMITS.messageCharacters + 30);
    expect(error.details).toHaveLength(ERROR_LIMITS.details);
    expect(error.details?.[0]?.path.length).toBeLessThanOrEqual(ERROR_LIMITS.pathCharacters + 30);
    expect(error.details?.[0]?.message.length).toBeLessThanOrEqual(ERROR_LIMITS.detailMessageCharacters + 30);
  });
});

describe('unstorableIssues', () => {
  it('finds what DynamoDB cannot store', () => {
    expect(unstorableIssues({ a: [1e-200, 1e130, -0, 0, 5] })).toEqual([
      { path: 'a.0', message: expect.stringMatching(/range/) },
      { path: 'a.1', message: expect.stringMatching(/range/) },
    ]);
    expect(unstorableIssues({ a: '\ud800' })).toEqual([{ path: 'a', message: 'contains an unpaired surrogate' }]);
    expect(unstorableIssues({ a: { '': 1 } })).toEqual([{ path: 'a.', message: 'object keys must not be empty' }]);
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = [deep]; // the 33rd level: DynamoDB stops at 32, the item itself included
    expect(unstorableIssues(deep)).toHaveLength(1);
    expect(unstorableIssues({ fine: [{ nested: { deep: ['ok', 1.5, null, true] } }] })).toEqual([]);
  });
});

describe('the change stamp', () => {
  it('is what nextVersion writes anew on every change, and nothing else of the server-managed fields', () => {
    const stamp = { caller: caller(), operation: 'x', at: '2026-11-30T00:00:00Z' };
    const current = newRecord('id-1', validBody() as never, {
      ...stamp,
      caller: caller({ principal: 'creator' }),
      at: '2026-01-01T00:00:00Z',
    });
    const next = nextVersion(current, validBody() as never, stamp);
    const changed = SERVER_MANAGED_FIELDS.filter((field) => JSON.stringify(next[field]) !== JSON.stringify(current[field]));
    expect(changed.sort()).toEqual([...CHANGE_STAMP_FIELDS].sort());
  });
});

describe('JSON Patch', () => {
  const doc = { id: 'a', name: 'n', sys_version: 1, list: [{ x: 1 }] };

  it('applies to a copy and leaves the original alone', () => {
    const patch = patchDocumentSchema.parse([{ op: 'replace', path: '/name', value: 'm' }]);
    expect(applyPatch(doc, patch)).toEqual({ ...doc, name: 'm' });
    expect(doc.name).toBe('n');
  });

  it('turns a failed test into a Conflict and an unresolvable path into a 400 that does not echo the document', () => {
    const failed = thrown(() => applyPatch(doc, patchDocumentSchema.parse([{ op: 'test', path: '/name', value: 'zzz' }])));
    expect(failed).toBeInstanceOf(Conflict);
    const unresolvable = thrown(() => applyPatch(doc, patchDocumentSchema.parse([{ op: 'remove', path: '/nope' }]))) as ValidationFailed;
    expect(unresolvable).toBeInstanceOf(ValidationFailed);
    expect(JSON.stringify({ message: unresolvable.message, details: unresolvable.details })).not.toContain('"n"');
  });

  it('refuses with a 400 what cannot apply: a step into a string, a move into its own member, an unresolvable from', () => {
    for (const operation of [
      { op: 'add', path: '/name/x', value: 1 },
      { op: 'move', from: '/list', path: '/list/0/y' },
      { op: 'copy', from: '/nope', path: '/name' },
      { op: 'move', from: '/nope', path: '/name' },
    ]) {
      const refused = thrown(() => applyPatch(doc, patchDocumentSchema.parse([operation]))) as ValidationFailed;
      expect(refused, JSON.stringify(operation)).toBeInstanceOf(ValidationFailed);
      expect(refused.details?.[0]?.path).toBe('body.0');
    }
  });

  it('answers a step named after a member every object inherits (toString, valueOf...) as a step to an absent member', () => {
    const outcome = (record: object, operation: object) => {
      try {
        return applyPatch(record, patchDocumentSchema.parse([operation]));
      } catch (error) {
        return `${(error as Error).constructor.name}: ${(error as Error).message}`;
      }
    };
    const operations = (name: string) => [
      { op: 'remove', path: `/${name}` },
      { op: 'replace', path: `/list/0/${name}`, value: 1 },
      { op: 'test', path: `/list/0/${name}`, value: 1 },
      { op: 'copy', from: `/${name}`, path: '/list/0/y' },
      { op: 'move', from: `/list/0/${name}`, path: '/list/0/y' },
      { op: 'add', path: `/${name}/deeper`, value: 1 },
    ];
    const ordinary = operations('nope').map((operation) => outcome(doc, operation));
    expect(ordinary.every((answer) => typeof answer === 'string')).toBe(true);
    for (const name of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'toLocaleString', '__defineGetter__']) {
      expect(
        operations(name).map((operation) => outcome(doc, operation)),
        name,
      ).toEqual(ordinary);
    }
    // A member the record does hold is found, whatever its name, and the result is plain objects.
    const holding = { ...doc, list: [{ x: 1, toString: 'kept' }] };
    const copied = outcome(holding, { op: 'copy', from: '/list/0/toString', path: '/list/0/valueOf' }) as Record<string, unknown>;
    expect(copied).toEqual({ ...doc, list: [{ x: 1, toString: 'kept', valueOf: 'kept' }] });
    expect(Object.getPrototypeOf(copied)).toBe(Object.prototype);
    expect(Object.getPrototypeOf((copied.list as object[])[0])).toBe(Object.prototype);
  });

  it('copies values in, so the same patch applied again to a fresh copy gives the same result', () => {
    const patch = patchDocumentSchema.parse([
      { op: 'add', path: '/extra', value: { items: [] } },
      { op: 'add', path: '/extra/items/-', value: 1 },
      { op: 'copy', from: '/list/0', path: '/extra/copied' },
      { op: 'add', path: '/extra/copied/z', value: 2 },
    ]);
    const first = applyPatch(doc, patch);
    expect(applyPatch(doc, patch)).toEqual(first);
    expect(first.extra).toEqual({ items: [1], copied: { x: 1, z: 2 } });
    expect(doc.list[0]).toEqual({ x: 1 });
  });

  it('stops a patch as soon as what it writes passes the item limit', () => {
    const doubling = patchDocumentSchema.parse(
      Array.from({ length: 100 }, (_, i) => ({ op: 'copy', from: '/list', path: `/list/0/c${i}` })),
    );
    const refused = thrown(() => applyPatch(doc, doubling)) as PayloadTooLarge;
    expect(refused).toBeInstanceOf(PayloadTooLarge);
    expect(Number(refused.details?.[0]?.path.split('.')[1])).toBeLessThan(20);
  });

  it('allows tests of protected fields but not changes to them', () => {
    expect(() => assertPatchAllowed(patchDocumentSchema.parse([{ op: 'test', path: '/sys_version', value: 1 }]))).not.toThrow();
    expect(() => assertPatchAllowed(patchDocumentSchema.parse([{ op: 'copy', from: '/id', path: '/error_message' }]))).not.toThrow();
    const refused = thrown(() =>
      assertPatchAllowed(
        patchDocumentSchema.parse([
          { op: 'add', path: '/sys_deleted_by_id', value: 'x' },
          { op: 'move', from: '/id', path: '/name' },
          { op: 'add', path: '/a~1b/__proto__', value: 1 },
        ]),
      ),
    ) as ValidationFailed;
    expect(refused.details?.map((d) => d.path)).toEqual(['body.0', 'body.1', 'body.2']);
  });

  it('decodes ~0 and ~1 before judging a path', () => {
    expect(() => assertPatchAllowed(patchDocumentSchema.parse([{ op: 'add', path: '/x/~0~1prototype', value: 1 }]))).not.toThrow();
    expect(() => assertPatchAllowed(patchDocumentSchema.parse([{ op: 'add', path: '/x/proto~1type', value: 1 }]))).not.toThrow();
    expect(() => assertPatchAllowed(patchDocumentSchema.parse([{ op: 'add', path: '/x/constructor', value: 1 }]))).toThrow(
      ValidationFailed,
    );
  });
});
