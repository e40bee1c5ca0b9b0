import { describe, expect, it } from 'vitest';
import { captureOutput } from '../support/captured-output.ts';
import { lambdaContext } from '../../testkit/api-gateway-event.ts';
import { useMockedEnvironment } from '../../testkit/mocked-environment.ts';

useMockedEnvironment({
  POWERTOOLS_LOG_LEVEL: 'INFO',
  POWERTOOLS_METRICS_DISABLED: 'false',
  // The authorizer's issuer, whose keys cannot be fetched (nothing listens on port 9): it cannot decide.
  JWT_ISSUER: 'https://issuer.test',
  JWT_AUDIENCE: 'billing-run-actions',
  JWKS_URL: 'http://127.0.0.1:9/jwks.json',
});
const output = captureOutput();

describe('the authorizer function', () => {
  it('count and log an authorizer that cannot decide, and not a token it refuses', async () => {
    const { handler: authorize } = (await import('../../lambdas/handlers/authorizer.ts')) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const event = (authorization: string) => ({
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/billingRunActions/t1/id-1',
      headers: { Authorization: authorization },
      pathParameters: { tenantId: 't1' },
      requestContext: { requestId: 'api-request-9' },
    });
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'k1' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ iss: 'https://issuer.test', aud: 'billing-run-actions', sub: 'u' })).toString('base64url');
    const lines = () =>
      output
        .written()
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    await expect(authorize(event('Bearer not-a-token'), lambdaContext())).rejects.toThrow('Unauthorized');
    expect(lines().filter((line) => 'AuthorizerFailures' in line)).toEqual([]);
    await expect(authorize(event(`Bearer ${header}.${payload}.c2ln`), lambdaContext())).rejects.toThrow();
    const failures = lines().filter((line) => 'AuthorizerFailures' in line);
    expect(failures).toEqual([expect.objectContaining({ AuthorizerFailures: 1, operation: 'authorize' })]);
    expect(lines()).toContainEqual(expect.objectContaining({ message: 'authorization failed', correlation_id: 'api-request-9' }));
  });
});
