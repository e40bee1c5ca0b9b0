import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '../../lambdas/domain/errors.ts';
import { fieldsParameter, selectFields } from '../../lambdas/domain/field-selection.ts';
import { fixedCursorKeys } from '../../lambdas/adapters/local/fixed-cursor-keys.ts';
import { cursorKey, decodeCursor, encodeCursor } from '../../lambdas/domain/list-cursor.ts';

describe('list cursors', () => {
  const list = { tenantId: 't1', lookup: 'certification' as const, value: 'c1' };

  it('round-trips and refuses anything else', async () => {
    const keys = fixedCursorKeys('secret');
    const cursor = encodeCursor(await keys.signing(), { ...list, lastId: 'id-9' });
    expect(cursor.split('.')[0]).toBe(cursorKey('secret').id);
    await expect(decodeCursor(keys, cursor, list)).resolves.toBe('id-9');
    await expect(decodeCursor(fixedCursorKeys('another secret'), cursor, list)).rejects.toThrow(/no longer valid/);
    const [id, , signature] = cursor.split('.');
    const forged = Buffer.from(JSON.stringify(['t1', 'certification', 'c1', 'id-10'])).toString('base64url');
    await expect(decodeCursor(keys, `${id}.${forged}.${signature}`, list)).rejects.toThrow(/altered/);
    await expect(decodeCursor(keys, cursor, { ...list, tenantId: 't2' })).rejects.toThrow(/another list/);
    await expect(decodeCursor(keys, cursor, { ...list, lookup: 'application' })).rejects.toThrow(/another list/);
    await expect(decodeCursor(keys, cursor, { ...list, value: 'c2' })).rejects.toThrow(/another list/);
    await expect(decodeCursor(keys, `${cursor}x`, list)).rejects.toThrow(ValidationFailed);
    await expect(decodeCursor(keys, cursor.split('.').slice(1).join('.'), list)).rejects.toThrow(/malformed/);
  });
});

describe('field selection', () => {
  it('keeps id and the named fields', () => {
    const fields = fieldsParameter.parse('name, status');
    expect(selectFields({ id: '1', name: 'n', status: 's', date: 'd' }, fields)).toEqual({ id: '1', name: 'n', status: 's' });
    expect(fieldsParameter.safeParse('name,pk').success).toBe(false);
    expect(fieldsParameter.safeParse('').success).toBe(false);
  });
});
