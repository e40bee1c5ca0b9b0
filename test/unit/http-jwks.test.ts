import { type Server, createServer } from 'node:http';
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpJwks } from '../../lambdas/auth/http-jwks.ts';
import { freePort } from '../../lib/local/dynamodb-local.ts';

let server: Server;
let url: URL;
let served: { status: number; body: string };
let fetches = 0;

const keyPair = async (kid: string) => {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256' } as JWK };
};
const sign = (key: CryptoKey, kid: string) => new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid }).setIssuedAt().sign(key);

beforeAll(async () => {
  const port = await freePort();
  server = createServer((_request, response) => {
    fetches++;
    response.writeHead(served.status, { 'Content-Type': 'application/json' }).end(served.body);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${port}/jwks`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => vi.useRealTimers());

describe('httpJwks', () => {
  it('fetches the key set once, then reloads it for an unknown kid only after the cooldown', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const first = await keyPair('first');
    const second = await keyPair('second');
    served = { status: 200, body: JSON.stringify({ keys: [first.jwk] }) };
    fetches = 0;
    const keys = httpJwks(url);
    await jwtVerify(await sign(first.privateKey, 'first'), keys);
    await jwtVerify(await sign(first.privateKey, 'first'), keys);
    expect(fetches).toBe(1);

    served = { status: 200, body: JSON.stringify({ keys: [first.jwk, second.jwk] }) };
    await expect(jwtVerify(await sign(second.privateKey, 'second'), keys)).rejects.toThrow(/no applicable key/i);
    expect(fetches).toBe(1);
    vi.setSystemTime(Date.now() + 31_000);
    await jwtVerify(await sign(second.privateKey, 'second'), keys);
    expect(fetches).toBe(2);
  });

  it('fails verification when the issuer answers with an error or not with JSON', async () => {
    const { privateKey } = await keyPair('k');
    served = { status: 500, body: 'oops' };
    await expect(jwtVerify(await sign(privateKey, 'k'), httpJwks(url))).rejects.toThrow(/HTTP 500/);
    served = { status: 200, body: 'not json' };
    await expect(jwtVerify(await sign(privateKey, 'k'), httpJwks(url))).rejects.toThrow(/not JSON/);
  });
});
