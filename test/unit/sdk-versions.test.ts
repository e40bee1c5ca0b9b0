import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8'));
const manifest = read('package.json') as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
const lock = read('package-lock.json') as { packages: Record<string, { version?: string }> };

/**
 * AWS publishes a client of the SDK v3 only in the releases that change it: a client with no release
 * since an older one stays at its newest (npm view <client> versions). Each is named here with its reason.
 */
const AT_THEIR_NEWEST = {
  '@aws-sdk/client-api-gateway': 'no release after 3.1142.0 (the tenants command and the smoke tests use it)',
  '@aws-sdk/client-dynamodb-streams': 'no release after 3.1141.0 (the local service reads the stream of DynamoDB Local with it)',
};

describe('the AWS SDK v3 in the lockfile (Renovate groups @aws-sdk/* and @smithy/* in renovate.json)', () => {
  it('pins every client, the document client and the presigner at one version, but the clients AWS has not released since', () => {
    const sdk = Object.entries({ ...manifest.dependencies, ...manifest.devDependencies }).filter(
      ([name]) => /^@aws-sdk\/(client-|lib-|s3-request-presigner)/.test(name) && !(name in AT_THEIR_NEWEST),
    );
    expect(sdk.length).toBeGreaterThanOrEqual(8);
    expect(new Set(sdk.map(([, version]) => version))).toEqual(new Set([sdk[0]?.[1]]));
  });

  it('installs one copy of every @aws-sdk package and of @smithy/core: every client runs on the same core', () => {
    const nested = Object.keys(lock.packages).filter(
      (path) => path.split('node_modules/').length > 2 && /node_modules\/(@aws-sdk\/[^/]+|@smithy\/core)$/.test(path),
    );
    expect(nested).toEqual([]);
  });
});
