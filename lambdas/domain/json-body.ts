import httpJsonBodyParser from '@middy/http-json-body-parser';
import { PayloadTooLarge, ValidationFailed } from './errors.ts';
import { mayHoldInexactNumbers, parseJson } from './json-values.ts';
import { decodeUtf8 } from './text-encoding.ts';

/**
 * The rules a JSON body is read by, wherever it comes from (a request, or a line of a bulk load
 * file): middy's JSON body parser (its syntax and forbidden-key rules), then, when the text may hold
 * a number a double would change, a second parse that keeps every number exactly.
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

type ParserRequest = { event: { headers: Record<string, string>; body: unknown; isBase64Encoded?: boolean } };
const middyParse = httpJsonBodyParser().before as unknown as (request: ParserRequest) => void;

/** middy's refusals (415, and 422 for bad JSON or a forbidden key) as the service's own 400s, told apart by status and by whether the text parses. */
function jsonRefusal(error: { statusCode?: number }, text: string | undefined): ValidationFailed {
  if (error.statusCode === 415)
    return new ValidationFailed('Unsupported Media Type: the body must be JSON sent with Content-Type: application/json');
  try {
    JSON.parse(text ?? '');
  } catch {
    return new ValidationFailed('Request body is not valid JSON');
  }
  return new ValidationFailed('Request body contains a forbidden key (__proto__ or constructor.prototype)');
}

/** Reads a request's body in place (as middy does), keeping its numbers exact. */
export function parseRequestBody(request: ParserRequest, text: string | undefined): void {
  try {
    middyParse(request);
  } catch (error) {
    throw jsonRefusal(error as { statusCode?: number }, text);
  }
  if (text !== undefined && mayHoldInexactNumbers(text)) request.event.body = parseJson(text);
}

/** Reads JSON text that is a body by nature (a line of a bulk load), by the same rules as a request's. */
export function parseJsonBody(text: string): unknown {
  const request: ParserRequest = { event: { headers: { 'content-type': 'application/json' }, body: text } };
  parseRequestBody(request, text);
  return request.event.body;
}
