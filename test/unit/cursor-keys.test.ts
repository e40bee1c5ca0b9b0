import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { cursorKey, decodeCursor, encodeCursor } from '../../lambdas/domain/list-cursor.ts';
import { SecretsManagerCursorKeys } from '../../lambdas/adapters/secrets-manager/secrets-manager-cursor-keys.ts';

const secrets = mockClient(SecretsManagerClient);
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:CursorSecret-abc';
const HOUR = 3_600_000;
const list = { tenantId: 't1', lookup: 'certification' as const, value: 'c1' };

/** The secret's versions as Secrets Manager holds them: AWSCURRENT and, after a rotation, AWSPREVIOUS. */
function holds(current: { value: string; createdAt: number }, previous?: { value: string }) {
  secrets.reset();
  secrets
    .on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSCURRENT' })
    .resolves({ SecretString: current.value, CreatedDate: new Date(current.createdAt) });
  if (previous) {
    secrets.on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSPREVIOUS' }).resolves({ SecretString: previous.value });
  } else {
    secrets
      .on(GetSecretValueCommand, { SecretId: SECRET, VersionStage: 'AWSPREVIOUS' })
      .rejects(new ResourceNotFoundException({ message: 'no AWSPREVIOUS', $metadata: {} }));
  }
}

let now: number;
const keysWithGrace = (graceMs = 24 * HOUR) =>
  new SecretsManagerCursorKeys(new SecretsManagerClient({ region: 'eu-west-1' }), SECRET, { graceMs, now: () => now });

beforeEach(() => {
  now = Date.parse('2026-11-30T12:00:00Z');
});

describe('cursor keys in Secrets Manager', () => {
  it('signs with AWSCURRENT, reads it once and keeps it for five minutes', async () => {
    holds({ value: 'key-one', createdAt: now - 30 * 24 * HOUR });
    const keys = keysWithGrace();
    expect(await keys.signing()).toEqual(cursorKey('key-one'));
    expect(await keys.verifying(cursorKey('key-one').id)).toEqual(cursorKey('key-one'));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    now += 5 * 60_000;
    await keys.signing();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('keeps the cursors signed before a rotation valid for the grace period, then refuses them', async () => {
    holds({ value: 'key-one', createdAt: now - 30 * 24 * HOUR });
    const before = keysWithGrace();
    const cursor = encodeCursor(await before.signing(), { ...list, lastId: 'id-1' });

    // Rotation: key-two becomes AWSCURRENT, key-one AWSPREVIOUS. A process started after it:
    holds({ value: 'key-two', createdAt: now }, { value: 'key-one' });
    const after = keysWithGrace();
    expect((await after.signing()).id).toBe(cursorKey('key-two').id);
    await expect(decodeCursor(after, cursor, list)).resolves.toBe('id-1');
    // The process that read key-one still verifies cursors signed elsewhere with key-two (it reads again).
    now += 31_000;
    const newer = encodeCursor(await after.signing(), { ...list, lastId: 'id-2' });
    await expect(decodeCursor(before, newer, list)).resolves.toBe('id-2');

    now += 24 * HOUR;
    await expect(decodeCursor(keysWithGrace(), cursor, list)).rejects.toThrow(/no longer valid/);
  });

  it('refuses a cursor of an unknown key, also when the secret was never rotated', async () => {
    holds({ value: 'key-one', createdAt: now - HOUR });
    const foreign = encodeCursor(cursorKey('someone else'), { ...list, lastId: 'id-1' });
    await expect(decodeCursor(keysWithGrace(), foreign, list)).rejects.toThrow(/no longer valid/);
  });

  it('reads again after a failed read instead of keeping the failure', async () => {
    secrets.reset();
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(new Error('network down'))
      .resolves({ SecretString: 'key-one', CreatedDate: new Date(0) });
    const keys = keysWithGrace();
    await expect(keys.signing()).rejects.toThrow('network down');
    expect((await keys.signing()).id).toBe(cursorKey('key-one').id);
  });
});
