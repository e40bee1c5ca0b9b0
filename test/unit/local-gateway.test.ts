import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { integrationContext, wildcardMatches } from '../../lib/local/gateway/authorizer.ts';
import { headerNamed, proxyEventOf } from '../../lib/local/gateway/proxy-event.ts';
import { match } from '../../lib/local/gateway/routing.ts';

describe('wildcardMatches (IAM resource wildcards in the local gateway)', () => {
  it.each([
    ['arn:a/v1/*/billingRunActions/t', 'arn:a/v1/GET/billingRunActions/t', true],
    ['arn:a/v1/*/billingRunActions/t/*', 'arn:a/v1/GET/billingRunActions/t/x/y', true],
    ['arn:a/v1/*/billingRunActions/t/*', 'arn:a/v1/GET/billingRunActions/t', false],
    ['arn:a/v1/*/billingRunActions/t', 'arn:a/v1/GET/billingRunActions/tt', false],
    ['*', '', true],
    ['', '', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'aXbY', false],
    ['a.b', 'aXb', false],
    ['(a)+$', '(a)+$', true],
  ])('%s against %s: %s', (pattern, value, expected) => {
    expect(wildcardMatches(pattern, value)).toBe(expected);
  });

  it('matches patterns made of thousands of stars against long values (no regular expression, no backtracking blow-up)', () => {
    const stars = '*'.repeat(3000);
    expect(wildcardMatches(`a${stars}b${stars}c`, `a${'x'.repeat(3000)}b${'y'.repeat(3000)}`)).toBe(false);
    expect(wildcardMatches(`${stars}/${stars}`, `${'*'.repeat(3000)}/${'*'.repeat(3000)}`)).toBe(true);
  }, 2_000);
});

describe('integrationContext (what the functions receive from the authorizer, as API Gateway hands it on)', () => {
  const decision = (context: Record<string, unknown>) => ({
    principalId: 'user-1',
    policyDocument: { Version: '2012-10-17', Statement: [] },
    context: context as Record<string, string>,
  });

  it('turns numbers and booleans into strings', () => {
    expect(integrationContext(decision({ expiresAt: 1700000000, admin: true, scope: 'a b' }))).toEqual({
      expiresAt: '1700000000',
      admin: 'true',
      scope: 'a b',
      principalId: 'user-1',
    });
  });

  it('answers 500, as an authorizer configuration error, for an object or array value', () => {
    expect(() => integrationContext(decision({ tenants: ['a'] }))).toThrow("The authorizer's context holds a object (tenants)");
  });
});

describe('proxyEventOf (the REST proxy event the local gateway builds)', () => {
  const NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
  const path = '/billingRunActions/tenant-a/id-1';
  const eventOf = (search: string, rawHeaders: string[]) => {
    const request = { method: 'GET', httpVersion: '1.1', rawHeaders, socket: { remoteAddress: '::ffff:127.0.0.1' } };
    const url = new URL(`${path}${search}`, 'http://localhost');
    return proxyEventOf(request as unknown as IncomingMessage, url, match('GET', path), 'request-1').event;
  };
  const own = (map: object | null, name: string) => (map ? Object.getOwnPropertyDescriptor(map, name)?.value : undefined);

  it('holds query parameters and headers named like an object’s own properties as own keys, as API Gateway’s JSON does', () => {
    const search = `?${NAMES.map((name) => `${name}=1&${name}=2`).join('&')}&plain=3`;
    const rawHeaders = [...NAMES.flatMap((name) => [name, 'a', name, 'b']), 'Authorization', 'Bearer t'];
    const event = eventOf(search, rawHeaders);
    for (const name of NAMES) {
      expect(own(event.queryStringParameters, name), name).toBe('2');
      expect(own(event.multiValueQueryStringParameters, name), name).toEqual(['1', '2']);
      expect(own(event.headers, name), name).toBe('b');
      expect(own(event.multiValueHeaders, name), name).toEqual(['a', 'b']);
    }
    expect(own(event.queryStringParameters, 'plain')).toBe('3');
    expect(headerNamed(event.headers, 'authorization')).toBe('Bearer t');
    // Plain objects, whose prototype no name replaced: what the function gets from JSON.parse of the event.
    for (const map of [event.headers, event.multiValueHeaders, event.queryStringParameters, event.multiValueQueryStringParameters]) {
      expect(Object.getPrototypeOf(map)).toBe(Object.prototype);
      expect(Object.keys(map ?? {})).toEqual(Object.keys(JSON.parse(JSON.stringify(map))));
    }
    expect(JSON.parse(JSON.stringify(event.headers))).toEqual(expect.objectContaining({ constructor: 'b', toString: 'b' }));
  });

  it('keeps the answers for ordinary names: no query string is null, a name without a value is empty', () => {
    const bare = eventOf('', []);
    expect(bare.queryStringParameters).toBeNull();
    expect(bare.multiValueQueryStringParameters).toBeNull();
    const event = eventOf('?fields&limit=5', ['User-Agent', 'vitest']);
    expect(event.queryStringParameters).toEqual({ fields: '', limit: '5' });
    expect(event.multiValueQueryStringParameters).toEqual({ fields: [''], limit: ['5'] });
    expect(event.requestContext.identity.userAgent).toBe('vitest');
  });
});
