import { describe, expect, it } from 'vitest';
import { integrationContext, wildcardMatches } from '../../lib/local/gateway/authorizer.ts';

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
