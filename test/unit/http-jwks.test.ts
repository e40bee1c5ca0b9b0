import { type Server, createServer } from 'node:http';
import { type CryptoKey, type JWK, SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkedJwksUrl, httpJwks } from '../../lambdas/adapters/jwks/http-jwks.ts';
import { IssuerUnavailable } from '../../lambdas/ports/token-verifier.ts';
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

describe('httpJwks when the issuer fails', () => {
  it('keeps serving the last good keys when a reload fails, and tries again only after the cooldown', async () => {
    let now = Date.parse('2026-11-30T12:00:00Z');
    const key = await keyPair('k');
    served = { status: 200, body: JSON.stringify({ keys: [key.jwk] }) };
    fetches = 0;
    const keys = httpJwks(url, { now: () => now });
    await jwtVerify(await sign(key.privateKey, 'k'), keys);
    served = { status: 503, body: 'down' };
    now += 11 * 60_000;
    await jwtVerify(await sign(key.privateKey, 'k'), keys);
    await jwtVerify(await sign(key.privateKey, 'k'), keys);
    expect(fetches).toBe(2);
    now += 31_000;
    served = { status: 200, body: JSON.stringify({ keys: [key.jwk] }) };
    await jwtVerify(await sign(key.privateKey, 'k'), keys);
    expect(fetches).toBe(3);
  });

  it('says the issuer is unavailable (not that the token is bad) when it has never had keys', async () => {
    const { privateKey } = await keyPair('k');
    served = { status: 500, body: 'oops' };
    const failure = jwtVerify(await sign(privateKey, 'k'), httpJwks(url));
    await expect(failure).rejects.toBeInstanceOf(IssuerUnavailable);
    await expect(failure).rejects.toThrow(/HTTP 500/);
  });

  it('bounds the whole read: a server that drips bytes is cut off at the deadline', async () => {
    const port = await freePort();
    const drip = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 20);
      response.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => drip.listen(port, '127.0.0.1', resolve));
    try {
      const { privateKey } = await keyPair('k');
      const keys = httpJwks(new URL(`http://127.0.0.1:${port}/jwks`), { deadlineMs: 300 });
      // Each byte arrives well within any idle timeout: only a deadline on the whole read ends it (else the test times out).
      await expect(jwtVerify(await sign(privateKey, 'k'), keys)).rejects.toThrow(/timed out/);
    } finally {
      drip.closeAllConnections();
      await new Promise<void>((resolve) => drip.close(() => resolve()));
    }
  });

  it('takes keys over HTTPS only, plain HTTP from this machine alone', () => {
    expect(checkedJwksUrl('https://issuer.example.com/.well-known/jwks.json').protocol).toBe('https:');
    expect(checkedJwksUrl('http://127.0.0.1:3000/.well-known/jwks.json').protocol).toBe('http:');
    expect(() => checkedJwksUrl('http://issuer.example.com/.well-known/jwks.json')).toThrow(/https/);
  });
});
