import type { CursorKey } from '../domain/list-cursor.ts';

/** The port to the cursor keys: the one that signs now, and any one a live cursor may name. */
export interface CursorKeys {
  signing(): Promise<CursorKey>;
  verifying(id: string): Promise<CursorKey | undefined>;
}
