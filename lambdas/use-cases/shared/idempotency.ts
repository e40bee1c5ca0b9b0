import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { IdempotencyClaim } from '../../ports/billing-run-action-repository.ts';

/** How long an Idempotency-Key holds. */
const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

/** Semantically equal JSON bodies (key order, white space) hash the same (RFC 8785 canonical form). */
const bodyHash = (body: unknown): string =>
  createHash('sha256')
    .update(canonicalize(body) ?? '')
    .digest('base64url');

/** A write's claim on its Idempotency-Key, if it sent one (a create, a bulk load's start): held for a day, by the hash of its body. */
export function idempotencyClaim(key: string | undefined, body: unknown, now: Date): IdempotencyClaim | undefined {
  if (key === undefined) return undefined;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  return { key, bodyHash: bodyHash(body), now: nowSeconds, expiresAt: nowSeconds + IDEMPOTENCY_WINDOW_SECONDS };
}
