import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type CursorKey, cursorKey } from '../../domain/list-cursor.ts';
import type { CursorKeys } from '../../ports/cursor-keys.ts';

/** How long a read key is used before it is read again. */
const REFRESH_MS = 5 * 60_000;
/** A cursor naming a key this process does not know reads the secret again, at most this often (a rotation elsewhere). */
const RECHECK_MS = 30_000;

interface Loaded {
  key: CursorKey | undefined;
  /** When Secrets Manager made this version. */
  createdAt: number;
  loadedAt: number;
}

/**
 * The cursor keys kept in Secrets Manager, read at run time and cached (never placed in a function's
 * configuration). AWSCURRENT signs; a cursor signed with the version before it (AWSPREVIOUS) still
 * verifies for a grace period after the rotation, so that cursors in flight survive one.
 */
export class SecretsManagerCursorKeys implements CursorKeys {
  private readonly client: SecretsManagerClient;
  private readonly secretId: string;
  private readonly graceMs: number;
  private readonly now: () => number;
  private current: Promise<Loaded> | undefined;
  private previous: Promise<Loaded> | undefined;

  constructor(client: SecretsManagerClient, secretId: string, options: { graceMs: number; now?: () => number }) {
    this.client = client;
    this.secretId = secretId;
    this.graceMs = options.graceMs;
    this.now = options.now ?? Date.now;
  }

  static forSecret(secretId: string, region: string, graceMs: number): SecretsManagerCursorKeys {
    return new SecretsManagerCursorKeys(new SecretsManagerClient({ region }), secretId, { graceMs });
  }

  async signing(): Promise<CursorKey> {
    const { key } = await this.currentVersion();
    if (!key) throw new Error(`Secret ${this.secretId} has no current value to sign cursors with`);
    return key;
  }

  async verifying(id: string): Promise<CursorKey | undefined> {
    let current = await this.currentVersion();
    if (current.key?.id === id) return current.key;
    if (this.now() - current.loadedAt >= RECHECK_MS) {
      current = await this.currentVersion(true);
      if (current.key?.id === id) return current.key;
    }
    if (this.now() - current.createdAt > this.graceMs) return undefined;
    const previous = await this.previousVersion();
    return previous.key?.id === id ? previous.key : undefined;
  }

  private currentVersion(reload = false): Promise<Loaded> {
    const cached = this.current;
    if (!reload && cached) {
      return cached.then((loaded) => (this.now() - loaded.loadedAt < REFRESH_MS ? loaded : this.currentVersion(true)));
    }
    const loading = this.load('AWSCURRENT');
    this.current = loading;
    this.previous = undefined;
    loading.catch(() => {
      if (this.current === loading) this.current = undefined;
    });
    return loading;
  }

  /** The version before the current one; forgotten whenever the current one is read again. */
  private previousVersion(): Promise<Loaded> {
    const loading = (this.previous ??= this.load('AWSPREVIOUS'));
    loading.catch(() => {
      if (this.previous === loading) this.previous = undefined;
    });
    return loading;
  }

  private async load(stage: 'AWSCURRENT' | 'AWSPREVIOUS'): Promise<Loaded> {
    const loadedAt = this.now();
    try {
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: stage }));
      return {
        key: answer.SecretString ? cursorKey(answer.SecretString) : undefined,
        createdAt: answer.CreatedDate?.getTime() ?? 0,
        loadedAt,
      };
    } catch (error) {
      // A secret that was never rotated has no AWSPREVIOUS version.
      if (stage === 'AWSPREVIOUS' && error instanceof ResourceNotFoundException) return { key: undefined, createdAt: 0, loadedAt };
      throw error;
    }
  }
}
