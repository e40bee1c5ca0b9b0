import { beforeAll, describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

/**
 * Names a client chooses (query parameters, headers, a patch's path steps) that JavaScript objects
 * inherit or treat specially. API Gateway hands the first two to the functions as ordinary JSON keys,
 * so each must be served exactly as an ordinary unknown name is (a query parameter no operation takes
 * is a 400 naming it; a header is ignored), and never be a 5xx.
 */
const service = serviceForThisFile();
const base = '/billingRunActions/tenant-a';
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
const ORDINARY = 'someUnknownName';

let recordId = '';
beforeAll(async () => {
  recordId = (await service.createRecord({ billing_run_id: 'prototype-names' })).id;
});

/**
 * A request whose headers are exactly these (an own property each, `__proto__` included): its status,
 * never a 5xx, and its JSON body without what two identical creates differ in (the id, the stamps).
 */
async function answer(method: string, path: string, headers: [string, string][], body?: string) {
  const response = await service.rawCall(method, path, { headers: Object.fromEntries(headers), body });
  expect(response.status, `${method} ${path} ${JSON.stringify(headers)}: ${response.text}`).toBeLessThan(500);
  const parsed = JSON.parse(response.text) as Record<string, unknown>;
  return {
    status: response.status,
    body: Object.fromEntries(Object.entries(parsed).filter(([key]) => key !== 'id' && !key.startsWith('sys_'))),
  };
}

/** An answer with `name` read as the ordinary unknown name: a 400 names the parameter it refuses. */
const asOrdinary = (answered: Awaited<ReturnType<typeof answer>>, name: string) =>
  JSON.parse(JSON.stringify(answered).replaceAll(name, ORDINARY)) as Awaited<ReturnType<typeof answer>>;

const bearer = (): [string, string] => ['Authorization', `Bearer ${service.token}`];

describe('query parameters named like an object’s own properties', () => {
  const queries = (name: string) => [`?${name}=1`, `?${name}`, `?${name}=1&${name}=2`, `?fields=name&${name}=1&limit=5`];

  for (const name of PROTOTYPE_NAMES) {
    it(`serves ?${name} on a get and a list as an unknown parameter`, async () => {
      for (const path of [`${base}/${recordId}`, `${base}/billingRun/prototype-names`]) {
        const [ordinaryQueries, queriesOfName] = [queries(ORDINARY), queries(name)];
        for (const [index, query] of queriesOfName.entries()) {
          // An unknown parameter is a 400 naming it: the same answer, but for the name.
          const expected = await answer('GET', `${path}${ordinaryQueries[index]}`, [bearer()]);
          expect(expected.status).toBe(400);
          expect(asOrdinary(await answer('GET', `${path}${query}`, [bearer()]), name), `${path}${query}`).toEqual(expected);
          // Without a token: the gateway's 401, as for any other request without one.
          expect(await answer('GET', `${path}${query}`, []), `${path}${query} without a token`).toEqual(
            await answer('GET', `${path}${ordinaryQueries[index]}`, []),
          );
        }
      }
    });
  }
});

describe('headers named like an object’s own properties', () => {
  const cases = (name: string): [string, string][][] => [
    [[name, 'x']],
    [[name, '']],
    [[name.toUpperCase(), 'x']],
    [
      [name, 'x'],
      [name, 'y'],
    ],
  ];

  for (const name of PROTOTYPE_NAMES) {
    it(`serves a ${name} header with a valid token and without one as an unknown header`, async () => {
      for (const path of [`${base}/${recordId}`, `${base}/billingRun/prototype-names`]) {
        const [ordinaryCases, casesOfName] = [cases(ORDINARY), cases(name)];
        for (const [index, headers] of casesOfName.entries()) {
          const ordinary = ordinaryCases[index] as [string, string][];
          const expected = await answer('GET', path, [...ordinary, bearer()]);
          expect(expected.status).toBe(200);
          expect(await answer('GET', path, [...headers, bearer()]), JSON.stringify(headers)).toEqual(expected);
          const refused = await answer('GET', path, ordinary);
          expect(refused.status).toBe(401);
          expect(await answer('GET', path, headers), `${JSON.stringify(headers)} without a token`).toEqual(refused);
        }
      }
    });

    it(`answers a create with a ${name} header and query parameter as with unknown ones`, async () => {
      const create = (unknown: string) =>
        answer(
          'POST',
          `${base}?${unknown}=1`,
          [[unknown, 'x'], bearer(), ['Content-Type', 'application/json']],
          JSON.stringify(validBody({ billing_run_id: 'prototype-names-created' })),
        );
      const expected = await create(ORDINARY);
      expect(expected.status).toBe(400);
      expect(asOrdinary(await create(name), name)).toEqual(expected);
    });
  }

  it('refuses a token whose JOSE header names such properties as any malformed token (401)', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const expected = await answer('GET', `${base}/${recordId}`, [['Authorization', 'Bearer garbage.token.here']]);
    expect(expected.status).toBe(401);
    for (const header of [
      { alg: 'RS256', kid: 'constructor' },
      { alg: 'toString', kid: '__proto__' },
      { alg: 'RS256', crit: ['__proto__', 'hasOwnProperty'], hasOwnProperty: 1 },
    ]) {
      const token = `${part(header)}.${part({ sub: 'x', tenants: ['tenant-a'], exp: 9_999_999_999 })}.${part({})}`;
      expect(await answer('GET', `${base}/${recordId}`, [['Authorization', `Bearer ${token}`]]), JSON.stringify(header)).toEqual(expected);
    }
  });
});

describe('patch paths through members every object inherits', () => {
  it('answers a step named toString, hasOwnProperty, valueOf or isPrototypeOf as a step to an absent member, and changes nothing', async () => {
    const path = `${base}/${recordId}`;
    const before = await service.call('GET', path, { token: service.token });
    const patchOf = (name: string) => [
      [{ op: 'remove', path: `/${name}` }],
      [{ op: 'replace', path: `/training_provider_billing_records/0/${name}`, value: 1 }],
      [{ op: 'test', path: `/training_provider_billing_records/0/${name}`, value: 1 }],
      [{ op: 'copy', from: `/training_provider_billing_records/0/${name}`, path: '/training_provider_billing_records/0/copied' }],
      [{ op: 'move', from: `/${name}`, path: '/training_provider_billing_records/0/moved' }],
      [{ op: 'add', path: `/training_provider_billing_records/0/${name}/deeper`, value: 1 }],
    ];
    const patch = (operations: object[]) =>
      answer('PATCH', path, [bearer(), ['Content-Type', 'application/json-patch+json']], JSON.stringify(operations));
    const ordinary = patchOf(ORDINARY);
    for (const name of ['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
      for (const [index, operations] of patchOf(name).entries()) {
        const expected = await patch(ordinary[index] as object[]);
        expect(expected.status).toBeGreaterThanOrEqual(400);
        expect(await patch(operations), JSON.stringify(operations)).toEqual(expected);
      }
    }
    expect((await service.call('GET', path, { token: service.token })).body).toEqual(before.body);
  });
});
