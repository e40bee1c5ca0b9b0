import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const MAX_LINES = 250;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name.startsWith('.') ? [] : sources(path);
    return /\.(ts|js|cjs)$/.test(entry.name) ? [path] : [];
  });
}

it(`keeps every source file at or under ${MAX_LINES} lines, so each stays readable at one sitting`, () => {
  const files = ['bin', 'lib', 'lambdas', 'bench', 'test'].flatMap((dir) => sources(join(ROOT, dir)));
  expect(files.length).toBeGreaterThan(50);
  const long = files
    .map((file) => [relative(ROOT, file), readFileSync(file, 'utf8').trimEnd().split('\n').length] as const)
    .filter(([, lines]) => lines > MAX_LINES);
  expect(long).toEqual([]);
});

it('reads the environment of the functions in lambdas/config.ts only (the composition root asks it)', () => {
  const readers = sources(join(ROOT, 'lambdas'))
    .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')))
    .map((file) => relative(ROOT, file));
  expect(readers).toEqual(['lambdas/config.ts']);
});
