import fc from 'fast-check';
import { RECORD_FIELDS } from '../../lambdas/domain/billing-run-action.ts';
import { ROUTES } from '../../lambdas/routes.ts';
import { validBody } from '../../testkit/bodies.ts';

/**
 * Requests of every kind for the HTTP fuzzer: methods, paths from the route table and beyond, query
 * strings, header names in any case, bodies with raw numbers, query parameters, headers, keys and
 * patch paths named after JavaScript internals, sizes around 256 KiB, patches, batch envelopes and
 * tokens. `ids` are records the fuzzer created.
 */
export function requestArbitrary(ids: readonly string[]) {
  const segment = fc.oneof(
    fc.constantFrom(
      'tenant-a',
      'tenant-b',
      'tenant-z',
      'batch',
      'certification',
      'application',
      'trainingProvider',
      'billingRun',
      'cert-1',
      '..',
      '%2F',
      '%00',
      'a'.repeat(300),
    ),
    fc.constantFrom(...['x', 'y', 'z'].map((_, i) => i)).map((i) => ids[i] ?? 'missing'),
    fc
      .string({ maxLength: 20 })
      .map(encodeURIComponent)
      .filter((value) => value.length > 0),
  );
  const path = fc.oneof(
    fc.constantFrom(...ROUTES.map((route) => route.path)).chain((template) =>
      fc
        .tuple(
          ...template
            .split('/')
            .slice(1)
            .map((part) =>
              part.startsWith('{') ? (part === '{tenantId}' ? fc.oneof(fc.constant('tenant-a'), segment) : segment) : fc.constant(part),
            ),
        )
        .map((parts) => `/${parts.join('/')}`),
    ),
    fc.array(segment, { maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
  );
  /** Names JavaScript objects inherit or treat specially: as query parameter or header names they are data. */
  const prototypeName = fc.constantFrom('constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype');
  const query = fc
    .dictionary(
      fc.oneof(fc.constantFrom('fields', 'limit', 'consistentRead', 'exclusiveStartKey', 'other'), prototypeName),
      fc.oneof(fc.constantFrom('name,status', 'nope', '0', '1000', '1001', 'true', 'yes', '', 'id'), fc.string({ maxLength: 30 })),
      { maxKeys: 3 },
    )
    .map((entries) => {
      const search = new URLSearchParams(entries).toString();
      return search ? `?${search}` : '';
    });
  const pointer = fc.oneof(
    fc.constantFrom(...RECORD_FIELDS).map((field) => `/${field}`),
    fc.constantFrom(
      '',
      '/',
      '/__proto__/x',
      '/constructor/prototype',
      '/toString',
      '/training_provider_billing_records/0/hasOwnProperty',
      '/training_provider_billing_records/-',
      '/training_provider_billing_records/0/amount',
      '/nope/deeper',
      '/sys_locked',
    ),
    fc.string({ maxLength: 12 }),
  );
  /**
   * Numbers JSON can write but a double cannot hold, or DynamoDB cannot store, sent as raw text: a
   * generated string `§<number>§` is replaced by the bare number when the body is serialized.
   */
  const RAW_NUMBERS = [
    '1e16',
    '9007199254740993',
    '-9007199254740993',
    '1e20',
    '1e125',
    '1e126',
    '1e-130',
    '1e-131',
    '1e-400',
    '1e400',
    '0.1000000000000000055511151231257827',
    '12345678901234567890123456789012345678',
    '123456789012345678901234567890123456789',
    '-0',
    '5.0000000000000000001',
  ];
  const rawNumber = fc.constantFrom(...RAW_NUMBERS).map((text) => `§${text}§`);
  const serialize = (value: unknown): string => JSON.stringify(value).replace(/"§([^§"]*)§"/g, '$1');
  /** Keys that name JavaScript internals: inside open objects they are data. */
  const internalKey = fc.constantFrom(
    'constructor',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'name',
    'prototype',
    '__proto__',
    'isPrototypeOf',
    'amount',
  );
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    rawNumber,
    fc.dictionary(
      internalKey,
      fc.oneof(rawNumber, fc.jsonValue({ maxDepth: 2 }), fc.dictionary(internalKey, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 })),
      { maxKeys: 4 },
    ),
  );
  /** Billing records near the 256 KiB body limit, on either side of it, now and then. */
  const billingRecords = fc.oneof(
    { weight: 8, arbitrary: fc.array(fc.dictionary(internalKey, value, { maxKeys: 4 }), { minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom(250 * 1024, 256 * 1024 - 1500, 256 * 1024 + 1).map((size) => [{ blob: 'x'.repeat(size) }]) },
  );
  const patchOperation = fc.record(
    { op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'merge'), path: pointer, from: pointer, value },
    { requiredKeys: ['op'] },
  );
  const recordBody = fc
    .tuple(
      fc.dictionary(fc.constantFrom(...RECORD_FIELDS, 'unknown_field', '__proto__'), value, { maxKeys: 3 }),
      fc.subarray(Object.keys(validBody())),
      fc.option(billingRecords, { nil: undefined }),
    )
    .map(([changes, dropped, records]) => {
      const body: Record<string, unknown> = { ...validBody(), ...changes, ...(records && { training_provider_billing_records: records }) };
      for (const field of dropped) delete body[field];
      return body;
    });
  const body = fc.oneof(
    recordBody.map(serialize),
    fc.array(patchOperation, { maxLength: 4 }).map(serialize),
    fc
      .array(
        fc.record(
          { op: fc.constantFrom('patch', 'delete', 'create'), id: segment, patch: fc.array(patchOperation, { maxLength: 2 }) },
          { requiredKeys: ['op', 'id'] },
        ),
        { maxLength: 4 },
      )
      .map((operations) => serialize({ operations })),
    fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    fc.string({ maxLength: 60 }),
    fc.constant('{"__proto__":{"polluted":true}}'),
    fc.constant(undefined),
  );
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
    path,
    query,
    contentType: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      undefined,
    ),
    token: fc.constantFrom('full', 'full', 'full', 'reader', 'other', 'garbage', 'none'),
    idempotencyKey: fc.option(fc.constantFrom('key-1', 'key-2', ' bad key '), { nil: undefined }),
    /** Another header, now and then named like an object's own property. */
    extraHeader: fc.option(fc.tuple(fc.oneof(prototypeName, fc.constant('X-Other')), fc.constantFrom('x', '')), { nil: undefined }),
    /** Header names as clients spell them: any case goes (API Gateway passes them as sent). */
    headerCase: fc.constantFrom<(name: string) => string>(
      (name) => name,
      (name) => name.toLowerCase(),
      (name) => name.toUpperCase(),
      (name) => name[0] + name.slice(1).toLowerCase(),
    ),
    body,
  });
  return request;
}
