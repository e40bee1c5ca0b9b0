import { get } from 'node:https';
import { get as getHttp } from 'node:http';
import { type JSONWebKeySet, type JWTVerifyGetKey, createLocalJWKSet, errors } from 'jose';
import { IssuerUnavailable } from '../../ports/token-verifier.ts';

/** Keys older than this are read again; if that fails, the last good ones keep serving. */
const MAX_AGE_MS = 10 * 60_000;
/** At most one read per this long: after a failure, and for tokens naming an unknown `kid` (key rotation). */
const COOLDOWN_MS = 30_000;
/** The whole read, from connecting to the last byte: a server that drips bytes is cut off too. */
const DEADLINE_MS = 5_000;
const MAX_BYTES = 1_048_576;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

function download(url: URL, deadlineMs: number): Promise<JSONWebKeySet> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'http:' ? getHttp : get)(
      url,
      { headers: { accept: 'application/json, application/jwk-set+json' } },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new errors.JOSEError(`JWKS answered HTTP ${response.statusCode}`));
          return;
        }
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BYTES) request.destroy(new errors.JOSEError('JWKS is too large'));
        });
        response.on('end', () => {
          try {
            resolve(JSON.parse(body) as JSONWebKeySet);
          } catch {
            reject(new errors.JOSEError('JWKS is not JSON'));
          }
        });
        response.on('error', reject);
      },
    );
    const deadline = setTimeout(() => request.destroy(new errors.JWKSTimeout()), deadlineMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('error', reject);
  });
}

/** The JWKS must come over HTTPS; plain HTTP only from this machine (the local issuer). */
export function checkedJwksUrl(text: string): URL {
  const url = new URL(text);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) return url;
  throw new Error(`JWKS_URL must be an https:// URL (plain http only on this machine): ${text}`);
}

/**
 * The issuer's key set for jose, fetched over node:http(s) rather than fetch() (Node loads its fetch
 * implementation on first use, about 30 ms of every cold start). jose parses the set and verifies with
 * it. Unlike jose's remote set, a failed reload keeps the last good keys: an issuer outage does not
 * turn every valid token away. Only with no keys at all does verification fail, as IssuerUnavailable
 * (a 503 for the caller, not a 401).
 */
export function httpJwks(url: URL, options: { now?: () => number; deadlineMs?: number } = {}): JWTVerifyGetKey {
  const { now = Date.now, deadlineMs = DEADLINE_MS } = options;
  let local: JWTVerifyGetKey | undefined;
  let loadedAt = 0;
  let triedAt = Number.NEGATIVE_INFINITY;
  let pending: Promise<void> | undefined;
  const reload = (): Promise<void> =>
    (pending ??= (async () => {
      triedAt = now();
      try {
        const jwks = await download(url, deadlineMs);
        local = createLocalJWKSet(jwks);
        loadedAt = now();
      } catch (error) {
        if (!local) throw new IssuerUnavailable(`The token issuer's keys cannot be read (${(error as Error).message})`, { cause: error });
      }
    })().finally(() => (pending = undefined)));
  const mayTryAgain = () => now() - triedAt >= COOLDOWN_MS;

  return async (header, token) => {
    if (!local || (now() - loadedAt > MAX_AGE_MS && mayTryAgain())) await reload();
    try {
      return await (local as JWTVerifyGetKey)(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || !mayTryAgain()) throw error;
      await reload();
      return (local as JWTVerifyGetKey)(header, token);
    }
  };
}
