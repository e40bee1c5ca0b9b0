import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASELINES, FUNCTIONS } from '../../bench/baselines/pairing.ts';
import { ROUTES } from '../../lambdas/routes.ts';
import { AUTHORIZER_ENTRY, BULK_LOAD_STEPS, PROCESSING_STARTS, SWEEP_ENTRY } from '../../lambdas/stack-functions.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the cold-start pairing table of the bench', () => {
  it('gives every function of the stack a baseline: each operation, the authorizer, the sweep, the starter and the bulk load steps', () => {
    const expected = [
      ...ROUTES.map((route) => `${route.entry}#handler`),
      `${AUTHORIZER_ENTRY}#handler`,
      `${SWEEP_ENTRY}#handler`,
      `${PROCESSING_STARTS.entry}#handler`,
      ...BULK_LOAD_STEPS.map((step) => `${step.entry}#handler`),
    ];
    expect(FUNCTIONS.map((fn) => `${fn.entry}#${fn.exportName}`).sort()).toEqual(expected.sort());
    for (const fn of FUNCTIONS) expect(Object.keys(BASELINES), fn.name).toContain(fn.baseline);
  });

  it('names baselines that exist, each used by some function', () => {
    for (const [name, entry] of Object.entries(BASELINES)) {
      expect(existsSync(join(ROOT, entry)), entry).toBe(true);
      expect(
        FUNCTIONS.some((fn) => fn.baseline === name),
        name,
      ).toBe(true);
    }
  });
});
