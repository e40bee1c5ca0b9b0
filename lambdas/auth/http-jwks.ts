import { get } from 'node:https';
import { get as getHttp } from 'node:http';
import { type JSONWebKeySet, type JWTVerifyGetKey, createLocalJWKSet, errors } from 'jose';

const MAX_AGE_MS = 10 * 60_000;
const COOLDOWN_MS = 30_000;
const TIMEOUT_MS = 5_000;
const MAX_BYTES = 1_048_576;

function download(url: URL): Promise<JSONWebKeySet> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'http:' ? getHttp : get)(
      url,
      { headers: { accept: 'application/json, application/jwk-set+json' }, timeout: TIMEOUT_MS },
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
      },
    );
    request.on('timeout', () => request.destroy(new errors.JWKSTimeout()));
    request.on('error', reject);
  });
}

/**
 * The issuer's key set for jose, fetched over node:http(s) rather than fetch(): Node loads its fetch
 * implementation on first use, which would add about 30 ms to every cold start. jose still parses the
 * set (createLocalJWKSet) and verifies with it. As jose's remote set does: keys are kept 10 minutes,
 * and a token with an unknown `kid` reloads them at most every 30 seconds (key rotation).
 */
export function httpJwks(url: URL): JWTVerifyGetKey {
  let local: JWTVerifyGetKey | undefined;
  let loadedAt = 0;
  let pending: Promise<void> | undefined;
  const reload = () =>
    (pending ??= download(url)
      .then((jwks) => {
        local = createLocalJWKSet(jwks);
        loadedAt = Date.now();
      })
      .finally(() => (pending = undefined)));
  return async (header, token) => {
    if (!local || Date.now() - loadedAt > MAX_AGE_MS) await reload();
    try {
      return await (local as JWTVerifyGetKey)(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - loadedAt < COOLDOWN_MS) throw error;
      await reload();
      return (local as JWTVerifyGetKey)(header, token);
    }
  };
}
