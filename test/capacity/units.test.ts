import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemSize as nativeItemSize, storedSize } from '../../lambdas/domain/stored-size.ts';
import { type AttributeValue, attributeValueSize, itemSize, projectedSize, readUnits, writeUnits } from '../../lib/local/capacity/units.ts';
import { AWS_CAPACITY, capacityFrom, effective } from '../../lib/local/capacity/settings.ts';
import { itemAfterUpdate, updateEffect } from '../../lib/local/capacity/update-expressions.ts';

describe("the capacity emulator's arithmetic, by DynamoDB's documented rules", () => {
  it('sizes an item as the service sizes it before a write (the same rules, on the wire format)', () => {
    // Values the SDK marshals as they are: no integer past 2^53 (it wants a NumberValue), no `__proto__`
    // key (its marshaller assigns it as a prototype; the service refuses the key anyway).
    const safe = (json: unknown): boolean =>
      typeof json === 'number'
        ? !Number.isInteger(json) || Number.isSafeInteger(json)
        : json === null || typeof json !== 'object' || (!Object.hasOwn(json, '__proto__') && Object.values(json).every(safe));
    const value = fc.jsonValue().filter((json) => json !== null && typeof json === 'object' && !Array.isArray(json) && safe(json));
    fc.assert(
      fc.property(value, (json) => {
        // As the emulator meets it: the marshalled item as JSON on the wire.
        const item: Record<string, AttributeValue> = JSON.parse(JSON.stringify(marshall(json as Record<string, unknown>)));
        expect(itemSize(item)).toBe(nativeItemSize(json as Record<string, unknown>));
      }),
    );
    expect(attributeValueSize({ S: 'héllo' })).toBe(storedSize('héllo'));
    expect(attributeValueSize({ L: [{ N: '12345' }, { BOOL: true }] })).toBe(3 + 1 + 4 + 1 + 1);
  });

  it('counts write units per KB begun, read units per 4 KB begun, halves eventual reads and doubles transactions', () => {
    expect(writeUnits(1)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(1500, true)).toBe(4);
    expect(readUnits(0, 'strong')).toBe(1);
    expect(readUnits(3500, 'strong')).toBe(1);
    expect(readUnits(3500, 'eventual')).toBe(0.5);
    expect(readUnits(4500, 'strong')).toBe(2);
    expect(readUnits(4500, 'transactional')).toBe(4);
  });

  it('charges a GSI with the part of the item it projects', () => {
    const item = { pk: { S: 'a' }, gk: { S: 'g' }, big: { S: 'x'.repeat(2000) } };
    expect(projectedSize(item, { type: 'ALL', keys: ['pk', 'gk'] })).toBe(itemSize(item));
    expect(projectedSize(item, { type: 'KEYS_ONLY', keys: ['pk', 'gk'] })).toBe(6);
    expect(projectedSize(item, { type: 'INCLUDE', keys: ['pk', 'gk'], include: ['big'] })).toBe(itemSize(item));
  });

  it("takes AWS's numbers by default, a scale that divides the rates and lengthens the hold, and refuses bad settings", () => {
    expect(capacityFrom(undefined)).toEqual(AWS_CAPACITY);
    expect(capacityFrom('off')).toBe('off');
    expect(effective(capacityFrom('{"scale":100}') as typeof AWS_CAPACITY)).toEqual({
      partitionWrite: 10,
      partitionRead: 30,
      tableWrite: 40,
      tableRead: 120,
      holdMs: 1000,
    });
    expect(() => capacityFrom('{"scale":0}')).toThrow(/scale is 0/);
    expect(() => capacityFrom('{"writes":1}')).toThrow(/'writes' is not one of them/);
    expect(() => capacityFrom('fast')).toThrow(/not JSON/);
  });

  it('reads what an update does to the item: values set and attributes removed exactly, anything else as touched', () => {
    const request = {
      Key: { pk: { S: 'a' } },
      UpdateExpression:
        'SET #run = :run, counter = counter + :one, tags = if_not_exists(tags, :none), nested.field = :x REMOVE certification_key, list[0] ADD seen :one',
      ExpressionAttributeNames: { '#run': 'billing_run_key' },
      ExpressionAttributeValues: { ':run': { S: 'run-2' }, ':one': { N: '1' }, ':none': { L: [] }, ':x': { S: 'x' } },
    };
    const effect = updateEffect(request);
    expect(Object.fromEntries(effect.set)).toEqual({ billing_run_key: { S: 'run-2' } });
    expect([...effect.removed]).toEqual(['certification_key']);
    expect([...effect.touched].sort()).toEqual(['billing_run_key', 'certification_key', 'counter', 'list', 'nested', 'seen', 'tags']);
    const before = { pk: { S: 'a' }, billing_run_key: { S: 'run-1' }, certification_key: { S: 'c' }, counter: { N: '4' } };
    // Computed values stay as they were: the emulator does not evaluate expressions.
    expect(itemAfterUpdate(before, request.Key, effect)).toEqual({ pk: { S: 'a' }, billing_run_key: { S: 'run-2' }, counter: { N: '4' } });
    expect(itemAfterUpdate(undefined, request.Key, effect)).toEqual({ pk: { S: 'a' }, billing_run_key: { S: 'run-2' } });
  });
});
