import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { capacityTable, tableIn } from '../../lib/tools/capacity-model/table.ts';

const doc = readFileSync(resolve(import.meta.dirname, '../../docs/capacity.md'), 'utf8');

it("gives docs/capacity.md's table of ceilings as the capacity model renders it (npm run capacity-model writes it)", () => {
  expect(tableIn(doc)).toBe(capacityTable());
});
