/**
 * How the service reads text it is sent, the same for a request body and a bulk load line: UTF-8,
 * strictly (a byte sequence that is not UTF-8 is refused, never replaced with U+FFFD), and a byte
 * order mark at its very start is dropped. RFC 8259 (section 8.1) lets a JSON parser ignore a
 * leading BOM rather than treat it as an error, and editors on Windows write one at the start of a
 * file; anywhere else U+FEFF is an ordinary character (inside a string) or a syntax error.
 */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

const BOM = '\uFEFF';

/** The text of these bytes, without a leading BOM; undefined when they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** Text that arrived already decoded (an event whose body is a string): the same BOM rule. */
export const withoutBom = (text: string): string => (text.startsWith(BOM) ? text.slice(1) : text);
