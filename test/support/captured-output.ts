import { afterEach, beforeEach, vi } from 'vitest';

/**
 * What the code under test writes to stdout and stderr during each test of the file (the functions'
 * log and EMF lines), captured instead of printed; read it with `written()`.
 */
export function captureOutput(): { written: () => string } {
  let chunks: string[] = [];
  beforeEach(() => {
    chunks = [];
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk) => {
        chunks.push(String(chunk));
        return true;
      });
    }
  });
  afterEach(() => vi.restoreAllMocks());
  return { written: () => chunks.join('') };
}
