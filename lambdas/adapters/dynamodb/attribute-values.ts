import { NumberValue } from '@aws-sdk/lib-dynamodb';
import type { unmarshallOptions } from '@aws-sdk/util-dynamodb';
import { ExactNumber, jsonNumber } from '../../domain/json-values.ts';

/** Every number read comes back exactly: a `number` when a double holds it, else an ExactNumber. */
export const UNMARSHALL_OPTIONS: unmarshallOptions = { wrapNumbers: jsonNumber };

/**
 * The value as the DocumentClient must be handed it to store it exactly. Its marshaller refuses
 * integers beyond 2^53 and knows nothing of ExactNumber (both go as NumberValue, the decimal text),
 * and it picks a map's type by `value.constructor.name`, so an object whose data has a key named
 * `constructor` would be stored as a string, a boolean or not at all; such an object goes as a Map.
 * Copies only what must change.
 */
export function storable(value: unknown): unknown {
  if (typeof value === 'number') return Math.abs(value) > Number.MAX_SAFE_INTEGER ? new NumberValue(String(value)) : value;
  if (value instanceof ExactNumber) return new NumberValue(value.text);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((element, index) => {
      const converted = storable(element);
      if (converted !== element) (copy ??= [...value])[index] = converted;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const element = (value as Record<string, unknown>)[key];
    const converted = storable(element);
    if (converted !== element) (copy ??= { ...value })[key] = converted;
  }
  const result = copy ?? value;
  return Object.hasOwn(result, 'constructor') ? new Map(Object.entries(result)) : result;
}
