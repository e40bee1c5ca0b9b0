import { cursorKey } from '../../domain/list-cursor.ts';
import type { CursorKeys } from '../../ports/cursor-keys.ts';

/** One fixed key, where no secret store is (local runs, tests). */
export function fixedCursorKeys(secret: string): CursorKeys {
  const key = cursorKey(secret);
  return { signing: async () => key, verifying: async (id) => (id === key.id ? key : undefined) };
}
