import { PayloadTooLarge, ValidationFailed } from './errors.ts';
import { mayHoldInexactNumbers, parseJson } from './json-values.ts';
import { decodeUtf8 } from './text-encoding.ts';

/*
 * The rules a JSON body is read by, wherever it comes from (a request, or a line of a bulk load
 * file): at most 256 KiB, UTF-8, JSON without the keys Middy's parser refuses, and, when the text may
 * hold a number a double would change, a second parse that keeps every number exactly.
 */

/** The largest body the functions read: a request's, or a line of a bulk load file. */
export const MAX_BODY_BYTES = 256 * 1024;

export const bodyTooLarge = (bytes: number): PayloadTooLarge =>
  new PayloadTooLarge(`Request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES} bytes (256 KiB)`);

/** A body (or bulk load line) whose bytes are not UTF-8 (text-encoding.ts). */
export const notUtf8 = (): ValidationFailed => new ValidationFailed('Request body is not valid UTF-8');

/** The text of a body's bytes by the service's one rule (text-encoding.ts), or a 400 that says they are not UTF-8. */
export function bodyText(bytes: Uint8Array): string {
  const text = decodeUtf8(bytes);
  if (text === undefined) throw notUtf8();
  return text;
}

/**
 * The keys a JSON body may not hold, the ones Middy's JSON body parser refuses (prototype pollution):
 * `__proto__`, and `constructor` holding a `prototype`. A request's body is parsed by Middy itself
 * (http/middleware/json-body.ts); a line of a bulk load by this rule (a test holds the two together).
 */
function refuseForbiddenKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || (key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype'))) {
    throw forbiddenKey();
  }
  return value;
}

export const notJson = (): ValidationFailed => new ValidationFailed('Request body is not valid JSON');
export const forbiddenKey = (): ValidationFailed =>
  new ValidationFailed('Request body contains a forbidden key (__proto__ or constructor.prototype)');

/** JSON whose numbers a double may not hold exactly, read again keeping each number's source text (json-values.ts). */
export function exactNumbers(text: string, parsed: unknown): unknown {
  return mayHoldInexactNumbers(text) ? parseJson(text) : parsed;
}

/** Reads JSON text that is a body by nature (a line of a bulk load), by the same rules as a request's. */
export function parseJsonBody(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, refuseForbiddenKeys);
  } catch (error) {
    throw error instanceof ValidationFailed ? error : notJson();
  }
  return exactNumbers(text, parsed);
}
