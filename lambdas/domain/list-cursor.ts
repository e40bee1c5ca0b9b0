import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationFailed } from './errors.ts';
import { ID_PATTERN, type Lookup } from './billing-run-action.ts';

/** Where a list query stands: the tenant, the lookup and its value it belongs to, and the last id served. */
export interface ListPosition {
  tenantId: string;
  lookup: Lookup;
  value: string;
  lastId: string;
}

const invalid = (reason: string): ValidationFailed =>
  new ValidationFailed(`Invalid exclusiveStartKey: ${reason}`, { details: [{ path: 'exclusiveStartKey', message: reason }] });

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

/**
 * Cursors are opaque to clients: base64url JSON of the position, then an HMAC of it, so that a cursor
 * edited by hand, or taken from another tenant's or another lookup's list, is refused.
 */
export function encodeCursor(secret: string, position: ListPosition): string {
  const payload = Buffer.from(JSON.stringify([position.tenantId, position.lookup, position.value, position.lastId])).toString('base64url');
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

/** Returns the last id served before `cursor`, after checking it belongs to this very list. */
export function decodeCursor(secret: string, cursor: string, expected: Omit<ListPosition, 'lastId'>): string {
  const [payload, signature, ...rest] = cursor.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid('malformed cursor');
  const given = Buffer.from(signature, 'base64url');
  const wanted = sign(secret, payload);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalid('cursor was altered or is not from this service');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed cursor');
  }
  if (!Array.isArray(decoded) || decoded.length !== 4 || !decoded.every((part) => typeof part === 'string')) {
    throw invalid('malformed cursor');
  }
  const [tenantId, lookup, value, lastId] = decoded as [string, string, string, string];
  if (tenantId !== expected.tenantId || lookup !== expected.lookup || value !== expected.value) {
    throw invalid('cursor belongs to another list');
  }
  if (!ID_PATTERN.test(lastId)) throw invalid('malformed cursor');
  return lastId;
}
