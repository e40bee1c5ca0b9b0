/**
 * JSON numbers kept exactly. JavaScript reads every JSON number as a double, so 9007199254740993 or
 * 0.1000000000000000055511151231257827 would quietly become another number, while DynamoDB stores 38
 * significant digits. A number that a double holds exactly stays a `number`; any other becomes an
 * ExactNumber, which keeps its decimal value and writes it back into JSON digit for digit.
 */
declare global {
  interface JSON {
    /** ES2025 (Node 21+): a value JSON.stringify writes as the given JSON text. */
    rawJSON(text: string): unknown;
  }
}

export class ExactNumber {
  /** The value in canonical form (the form JavaScript prints numbers in), so equal values have equal text. */
  readonly text: string;

  constructor(text: string) {
    this.text = canonicalText(decimalOf(text));
  }

  toJSON(): unknown {
    return JSON.rawJSON(this.text);
  }
}

export type JsonNumber = number | ExactNumber;

export const isJsonNumber = (value: unknown): value is JsonNumber => typeof value === 'number' || value instanceof ExactNumber;

/** A decimal as sign, significant digits (no leading or trailing zeros; '' for zero) and exponent. */
interface Decimal {
  negative: boolean;
  digits: string;
  exponent: number;
}

const NUMBER_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function decimalOf(text: string): Decimal {
  const match = NUMBER_TEXT.exec(text);
  if (!match || (match[2] === '' && !match[3])) throw new Error(`Not a decimal number: ${text.slice(0, 50)}`);
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match;
  const all = (whole + fraction).replace(/^0+/, '');
  const digits = all.replace(/0+$/, '');
  if (digits === '') return { negative: false, digits: '', exponent: 0 };
  return { negative: sign === '-', digits, exponent: Number(exponentText) - fraction.length + (all.length - digits.length) };
}

/** Integers up to this many digits print in full (DynamoDB holds 38 significant ones). */
const PLAIN_INTEGER_DIGITS = 40;

/**
 * The decimal as Number.prototype.toString would print it (plain from 1e-7 to 1e21, with an exponent
 * outside), except that integers of up to 40 digits print in full, as a client writes an id or amount.
 */
function canonicalText({ negative, digits, exponent }: Decimal): string {
  if (digits === '') return '0';
  const count = digits.length;
  const point = count + exponent;
  let body: string;
  if (count <= point && point <= PLAIN_INTEGER_DIGITS) body = digits + '0'.repeat(point - count);
  else if (point > 0 && point <= 21) body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  else if (point > -6 && point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else {
    const power = point - 1;
    body = `${digits[0]}${count > 1 ? `.${digits.slice(1)}` : ''}e${power < 0 ? '-' : '+'}${Math.abs(power)}`;
  }
  return negative ? `-${body}` : body;
}

const sameDecimal = (a: Decimal, b: Decimal): boolean => a.digits === b.digits && a.exponent === b.exponent && a.negative === b.negative;

/** The number a decimal text denotes: a `number` when a double holds it exactly, else an ExactNumber. */
export function jsonNumber(text: string): JsonNumber {
  const value = Number(text);
  if (Number.isSafeInteger(value) && String(value) === text) return value; // the common case, without parsing the text
  if (Number.isFinite(value) && sameDecimal(decimalOf(String(value)), decimalOf(text))) return value;
  return new ExactNumber(text);
}

/** DynamoDB's numbers: 38 significant digits, magnitudes from 1e-130 to below 1e126. */
const MAX_DIGITS = 38;
const MAX_POWER = 125;
const MIN_POWER = -130;

/** Why DynamoDB could not store this number, or undefined when it can. */
export function unstorableNumber(value: JsonNumber): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return 'number is outside the storable range (1e-130 to 1e125)';
  const decimal = decimalOf(typeof value === 'number' ? String(value) : value.text);
  if (decimal.digits === '') return undefined;
  if (decimal.digits.length > MAX_DIGITS) return `number has more than ${MAX_DIGITS} significant digits`;
  const power = decimal.exponent + decimal.digits.length - 1;
  if (power > MAX_POWER || power < MIN_POWER) return 'number is outside the storable range (1e-130 to 1e125)';
  return undefined;
}

type SourceReviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;
const parseWithSource = JSON.parse as (text: string, reviver: SourceReviver) => unknown;

/** JSON.parse that keeps every number exactly (see ExactNumber). */
export function parseJson(text: string): unknown {
  return parseWithSource(text, (_key, value, context) =>
    typeof value === 'number' && context.source !== undefined ? jsonNumber(context.source) : value,
  );
}

/**
 * Whether `text` may hold a number that a double does not hold exactly: one with an exponent or with
 * more than 15 digits. Cheap, and it may say yes for such text inside a string, which only costs an
 * exact parse; a no is always right, since every decimal of at most 15 digits survives a double.
 */
const INEXACT_CANDIDATE = /[:,[]\s*-?(?:\d[\d.]*[eE]|(?:\d\.?){16})/;
export const mayHoldInexactNumbers = (text: string): boolean => INEXACT_CANDIDATE.test(text);

/**
 * A deep copy of a JSON value; ExactNumbers are immutable and shared. Keys are data, each copied as
 * an own property (`__proto__` too). With `bare`, every object of the copy has no prototype, so that
 * code looking a key up as `object[key]` finds only the data's own keys, never an inherited
 * `toString` or `constructor`.
 */
export function cloneJson<T>(value: T, bare = false): T {
  if (Array.isArray(value)) return value.map((element) => cloneJson(element, bare)) as T;
  if (value === null || typeof value !== 'object' || value instanceof ExactNumber) return value;
  const copy: Record<string, unknown> = bare ? Object.create(null) : {};
  for (const key of Object.keys(value)) {
    const element = cloneJson((value as Record<string, unknown>)[key], bare);
    if (key === '__proto__') Object.defineProperty(copy, key, { value: element, enumerable: true, writable: true, configurable: true });
    else copy[key] = element;
  }
  return copy as T;
}

/**
 * Whether two JSON values are equal: numbers by value (an ExactNumber equals only an ExactNumber of
 * the same value), objects by their own keys whatever their order. Keys are data, so an object may
 * hold `hasOwnProperty` or `constructor` without fooling the comparison.
 */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof ExactNumber || b instanceof ExactNumber)
    return a instanceof ExactNumber && b instanceof ExactNumber && a.text === b.text;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((element, index) => jsonEquals(element, b[index]));
  }
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && jsonEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}
