import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { capacityFigures } from '../../lib/tools/capacity-model.ts';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/capacity.md'), 'utf8');
const figure = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

it("gives docs/capacity.md's table of ceilings as the capacity model computes them", () => {
  const figures = capacityFigures();
  const table = doc.slice(doc.indexOf('<!-- capacity-model:start -->'), doc.indexOf('<!-- capacity-model:end -->'));
  const rows = Object.fromEntries(
    table
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| figure'))
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .map(([, name, value]) => [name, value]),
  );
  expect(Object.values(rows)).toEqual([
    figure(figures.unitsPerRecord),
    figure(figures.recordsPerSecond),
    figure(figures.oneKeyLinesPerSecond),
    figure(figures.oneRunLinesPerSecond),
    figure(figures.millionOneRunMinutes, 1),
    figure(figures.millionOneRunRaisedMinutes, 1),
    figure(figures.millionSpreadMinutes, 1),
    figure(figures.millionLinesDollars, 2),
    figure(figures.sdkAttempts),
    figure(figures.tenantCreatesCeiling),
    figure(figures.tenantCreateSuccess * 100, 3),
  ]);
});
