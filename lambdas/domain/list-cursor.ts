import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationFailed } from './errors.ts';
import { ID_PATTERN, type Lookup } from './billing-run-action.ts';

/** Where a list query stands: the tenant, the lookup and its value it belongs to, its status filter if any, and the last id served. */
export interface ListPosition {
  tenantId: string;
  lookup: Lookup;
  value: string;
  status?: string | undefined;
  lastId: string;
}

const invalid = (reason: string): ValidationFailed =>
  new ValidationFailed(`Invalid exclusiveStartKey: ${reason}`, { details: [{ path: 'exclusiveStartKey', message: reason }] });

/** A key that signs cursors; its id travels in the cursor, so a rotated key still verifies the cursors it signed. */
export interface CursorKey {
  id: string;
  secret: string;
}

/** A key's id: a short digest of the key, the same wherever it is computed (no version metadata needed). */
export function cursorKey(secret: string): CursorKey {
  return { id: createHash('sha256').update(secret).digest('base64url').slice(0, 11), secret };
}

function sign(secret: string, signed: string): Buffer {
  return createHmac('sha256', secret).update(signed).digest();
}

/**
 * Cursors are opaque to clients: the signing key's id, base64url JSON of the position, then an HMAC of
 * both, so that a cursor edited by hand, or taken from another tenant's or another lookup's list, is refused.
 */
export function encodeCursor(key: CursorKey, position: ListPosition): string {
  // A filtered list's cursor carries its status too (a fifth element), so it only leads on in that list.
  const parts = [
    position.tenantId,
    position.lookup,
    position.value,
    position.lastId,
    ...(position.status === undefined ? [] : [position.status]),
  ];
  const payload = Buffer.from(JSON.stringify(parts)).toString('base64url');
  return `${key.id}.${payload}.${sign(key.secret, `${key.id}.${payload}`).toString('base64url')}`;
}

/** Returns the last id served before `cursor`, after checking its signature and that it belongs to this very list. */
export async function decodeCursor(
  keys: { verifying(id: string): Promise<CursorKey | undefined> },
  cursor: string,
  expected: Omit<ListPosition, 'lastId'>,
): Promise<string> {
  const [keyId, payload, signature, ...rest] = cursor.split('.');
  if (!keyId || !payload || !signature || rest.length > 0) throw invalid('malformed cursor');
  const key = await keys.verifying(keyId);
  if (!key) throw invalid('cursor was signed with a key that is no longer valid, or is not from this service; list again from the start');
  const given = Buffer.from(signature, 'base64url');
  const wanted = sign(key.secret, `${keyId}.${payload}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid('cursor was altered or is not from this service');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed cursor');
  }
  if (!Array.isArray(decoded) || (decoded.length !== 4 && decoded.length !== 5) || !decoded.every((part) => typeof part === 'string')) {
    throw invalid('malformed cursor');
  }
  const [tenantId, lookup, value, lastId, status] = decoded as [string, string, string, string, string | undefined];
  if (tenantId !== expected.tenantId || lookup !== expected.lookup || value !== expected.value || status !== expected.status) {
    throw invalid('cursor belongs to another list');
  }
  if (!ID_PATTERN.test(lastId)) throw invalid('malformed cursor');
  return lastId;
}
