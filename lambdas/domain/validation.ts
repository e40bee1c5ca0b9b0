import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { type FieldIssue, invalid } from './errors.ts';
import { isJsonNumber, unstorableNumber } from './json-values.ts';

// zod/mini ships no messages of its own: the English ones, and "is required" for a missing field
// rather than "expected string, received undefined".
z.config({
  ...en(),
  customError: (issue) => (issue.code === 'invalid_type' && issue.input === undefined ? 'is required' : undefined),
});

/** DynamoDB nests maps and lists at most 32 levels deep; the record itself is the first. */
const MAX_DEPTH = 32;
/**
 * The longest key of an open object (a map's attribute name in DynamoDB): AWS takes names up to 64 KB,
 * DynamoDB Local fails past 50,000 bytes with an internal error; the service refuses more than 8 KiB,
 * with a 400 naming the field, so that no key reaches either limit.
 */
const MAX_KEY_BYTES = 8 * 1024;
/** A UTF-16 unit takes at most 3 bytes of UTF-8: only a key past a third of the limit is measured (every write walks every key). */
const keyTooLong = (key: string): boolean => key.length > MAX_KEY_BYTES / 3 && Buffer.byteLength(key) > MAX_KEY_BYTES;

/**
 * zod compiles a fast parser for each object schema with new Function() at its first use. On a cold
 * start that compile is pure cost, so the first invocation of a function parses without it; later
 * invocations compile once and reuse the fast parsers.
 */
let coldPath = true;
const COLD_PATH = { jitless: true } as const;

export function leaveColdPath(): void {
  coldPath = false;
}

export function safeParse<S extends z.ZodMiniType>(schema: S, value: unknown) {
  return schema.safeParse(value, coldPath ? COLD_PATH : undefined);
}

function pathOf(segments: readonly PropertyKey[], fallback = 'body'): string {
  return segments.length === 0 ? fallback : segments.map(String).join('.');
}

export function issuesOf(error: z.core.$ZodError, fallback = 'body', unknown = 'unknown field'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: pathOf([...issue.path, key]), message: unknown });
      }
    } else {
      issues.push({ path: pathOf(issue.path, fallback), message: issue.message });
    }
  }
  return issues;
}

/** Parses `value` with `schema`, or throws a 400 naming every offending field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, value: unknown, what: string, fallbackPath = 'body'): z.infer<S> {
  const result = safeParse(schema, value);
  if (!result.success) {
    throw invalid(what, issuesOf(result.error, fallbackPath));
  }
  return result.data;
}

/**
 * Finds values that are valid JSON but that DynamoDB cannot store (too deep, numbers out of its range or precision,
 * strings that are not well-formed UTF-16, empty map keys), so that they are a 400 and never a 5xx.
 */
export function unstorableIssues(value: unknown): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const visit = (node: unknown, path: PropertyKey[], depth: number): void => {
    if (typeof node === 'string') {
      if (!node.isWellFormed()) issues.push({ path: pathOf(path), message: 'contains an unpaired surrogate' });
    } else if (isJsonNumber(node)) {
      const problem = unstorableNumber(node);
      if (problem) issues.push({ path: pathOf(path), message: problem });
    } else if (node !== null && typeof node === 'object') {
      if (depth > MAX_DEPTH) {
        issues.push({ path: pathOf(path), message: `nested deeper than ${MAX_DEPTH} levels` });
        return;
      }
      const entries = Array.isArray(node) ? node.entries() : Object.entries(node);
      for (const [key, child] of entries) {
        if (key === '') issues.push({ path: pathOf([...path, key]), message: 'object keys must not be empty' });
        else if (typeof key === 'string' && keyTooLong(key)) {
          issues.push({ path: pathOf([...path, key]), message: `object keys may hold at most ${MAX_KEY_BYTES} bytes (UTF-8)` });
        } else if (typeof key === 'string' && !key.isWellFormed()) {
          issues.push({ path: pathOf(path), message: 'an object key contains an unpaired surrogate' });
        }
        visit(child, [...path, key], depth + 1);
      }
    }
  };
  visit(value, [], 1);
  return issues;
}

export function assertStorable(value: unknown): void {
  const details = unstorableIssues(value);
  if (details.length > 0) throw invalid('body', details);
}
