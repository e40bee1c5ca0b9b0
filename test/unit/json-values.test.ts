import { NumberValue } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  ExactNumber,
  cloneJson,
  jsonEquals,
  jsonNumber,
  mayHoldInexactNumbers,
  parseJson,
  unstorableNumber,
} from '../../lambdas/domain/json-values.ts';
import { MAX_ITEM_BYTES, itemSize, storedSize } from '../../lambdas/domain/stored-size.ts';
import { UNMARSHALL_OPTIONS, storable } from '../../lambdas/adapters/dynamodb/attribute-values.ts';

describe('jsonNumber', () => {
  it.each([
    ['5', 5],
    ['5.0', 5],
    ['1e16', 1e16],
    ['1E+21', 1e21],
    ['0.1', 0.1],
    ['-0', -0],
    ['123.456e-2', 1.23456],
    ['00012.3400000000000000000000e1', 123.4],
  ])('%s is the double %s, which holds it exactly', (text, value) => {
    expect(jsonNumber(text)).toBe(value);
  });

  it.each([
    ['9007199254740993', '9007199254740993'],
    ['-9007199254740993', '-9007199254740993'],
    ['5.0000000000000000001', '5.0000000000000000001'],
    ['0.1000000000000000055511151231257827', '0.1000000000000000055511151231257827'],
    ['12345678901234567890123456789012345678000', '1.2345678901234567890123456789012345678e+40'],
    ['1e400', '1e+400'],
    ['1e-400', '1e-400'],
  ])('%s is an ExactNumber written back as %s', (text, canonical) => {
    const value = jsonNumber(text);
    expect(value).toBeInstanceOf(ExactNumber);
    expect((value as ExactNumber).text).toBe(canonical);
    expect(JSON.stringify({ value })).toBe(`{"value":${canonical}}`);
  });

  it('gives equal values equal text, so patch tests and equality compare values', () => {
    expect(jsonNumber('9007199254740993.000')).toEqual(jsonNumber('90071992547409930e-1'));
  });
});

describe('unstorableNumber', () => {
  it.each([
    [1, undefined],
    [1e125, undefined],
    [1e-130, undefined],
    [1e126, /range/],
    [1e-131, /range/],
    [5e-324, /range/],
  ])('%s: %s', (value, expected) => {
    const problem = unstorableNumber(value);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('counts significant digits of exact numbers', () => {
    expect(unstorableNumber(new ExactNumber('12345678901234567890123456789012345678'))).toBeUndefined();
    expect(unstorableNumber(new ExactNumber('1234567890123456789012345678901234567800000'))).toBeUndefined();
    expect(unstorableNumber(new ExactNumber('123456789012345678901234567890123456789'))).toMatch(/38 significant digits/);
    expect(unstorableNumber(new ExactNumber('9.9999999999999999999999999999999999999e125'))).toBeUndefined();
  });
});

describe('parseJson and mayHoldInexactNumbers', () => {
  it('parses numbers exactly and everything else as JSON.parse does', () => {
    const text = '{"a":9007199254740993,"b":[1,2.5,"x",null,true],"c":{"d":1e-400}}';
    const parsed = parseJson(text) as Record<string, any>;
    expect(parsed.a).toBeInstanceOf(ExactNumber);
    expect(parsed.b).toEqual([1, 2.5, 'x', null, true]);
    expect(JSON.stringify(parsed)).toBe('{"a":9007199254740993,"b":[1,2.5,"x",null,true],"c":{"d":1e-400}}');
  });

  it('says yes for every body holding a number a double would change', () => {
    for (const text of [
      '{"a":9007199254740993}',
      '[1e400]',
      '{"a": -1E-400}',
      '{"a":[0.10000000000000000555]}',
      '{"a":\n 1234567890.123456}',
    ]) {
      expect(mayHoldInexactNumbers(text), text).toBe(true);
    }
    for (const text of ['{"a":123456789012345}', '{"name":"Send 1e5 reminders"}', '{"a":[1.5,-2,0.25]}']) {
      expect(mayHoldInexactNumbers(text), text).toBe(false);
    }
  });
});

describe('storable and the exact unmarshalling', () => {
  it('hands the marshaller values it stores exactly, copying only what changes', () => {
    const item = {
      plain: { a: 1, b: 'x' },
      big: 1e20,
      exact: new ExactNumber('9007199254740993'),
      odd: { constructor: { name: 'String' }, amount: 5 },
      list: [{ constructor: 'x' }, 2],
    };
    const converted = storable(item) as Record<string, unknown>;
    expect(converted.plain).toBe(item.plain);
    expect(converted.big).toEqual(new NumberValue('100000000000000000000'));
    expect(converted.odd).toBeInstanceOf(Map);
    const attributes = marshall(converted, { removeUndefinedValues: true });
    expect(attributes.odd).toEqual({ M: { constructor: { M: { name: { S: 'String' } } }, amount: { N: '5' } } });
    expect(attributes.exact).toEqual({ N: '9007199254740993' });
    const back = unmarshall(attributes, UNMARSHALL_OPTIONS);
    expect(JSON.stringify(back)).toBe(JSON.stringify(item));
  });
});

describe('storedSize', () => {
  it('counts as DynamoDB does: UTF-8 strings, 3 bytes per container, 1 per element, the keys', () => {
    expect(storedSize('é')).toBe(2);
    expect(storedSize(true)).toBe(1);
    expect(storedSize(null)).toBe(1);
    expect(storedSize([])).toBe(3);
    expect(storedSize(['ab', 'c'])).toBe(3 + (1 + 2) + (1 + 1));
    expect(storedSize({ ab: 'c' })).toBe(3 + 1 + 2 + 1);
    expect(storedSize(12)).toBe(2);
    expect(itemSize({ pk: 'k', s: 'abc', gone: undefined })).toBe(2 + 1 + 1 + 3);
    expect(MAX_ITEM_BYTES).toBe(409_600);
  });
});

describe('jsonEquals', () => {
  it('compares JSON values, numbers by value and keys as data', () => {
    expect(jsonEquals({ a: [1, { b: null }], c: 'x' }, { c: 'x', a: [1, { b: null }] })).toBe(true);
    expect(jsonEquals({ hasOwnProperty: 1 }, { hasOwnProperty: 1 })).toBe(true);
    expect(jsonEquals({ hasOwnProperty: 1 }, { hasOwnProperty: 2 })).toBe(false);
    expect(jsonEquals({ a: 1 }, { b: 1 })).toBe(false);
    expect(jsonEquals([1], { 0: 1 })).toBe(false);
    expect(jsonEquals(jsonNumber('9007199254740993'), jsonNumber('9007199254740993.0'))).toBe(true);
    expect(jsonEquals(jsonNumber('9007199254740993'), 9007199254740992)).toBe(false);
    expect(jsonEquals(null, {})).toBe(false);
    expect(jsonEquals(undefined, null)).toBe(false);
  });
});

describe('cloneJson', () => {
  const value = JSON.parse('{"__proto__":{"a":1},"constructor":"c","list":[{"toString":2}],"n":1}') as Record<string, unknown>;

  it('copies every key as an own property, __proto__ included, without touching a prototype', () => {
    const copy = cloneJson(value);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'constructor', 'list', 'n']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ a: 1 });
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(jsonEquals(copy, value)).toBe(true);
  });

  it('bare: objects without a prototype, so that a lookup by name finds only the data', () => {
    const copy = cloneJson(value, true) as Record<string, unknown>;
    const element = (copy.list as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBeNull();
    expect(Object.getPrototypeOf(element)).toBeNull();
    expect(copy.hasOwnProperty).toBeUndefined();
    expect(element.toString).toBe(2);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
  });
});
