import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './bundles.ts';
import type { Figure } from './stats.ts';

export const RESULTS_FILE = join(ROOT, 'bench/results.json');

/**
 * Figures measured apart from `npm run bench` (each with its `measured_at` in its details): written into
 * bench/results.json in place of the figures of the same names (or after the others), every other
 * figure, the machine and the date of the whole run kept as they are.
 */
export function writeFiguresApart(figures: Figure[]): void {
  const results = existsSync(RESULTS_FILE) ? JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) : { figures: [] };
  const kept = results.figures as Figure[];
  const names = new Set(kept.map((figure) => figure.name));
  results.figures = [
    ...kept.map((figure) => figures.find((measured) => measured.name === figure.name) ?? figure),
    ...figures.filter((figure) => !names.has(figure.name)),
  ];
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}
