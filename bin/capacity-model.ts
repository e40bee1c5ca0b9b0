import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCommand } from '../lib/commands/command-line.ts';
import { withCapacityTable } from '../lib/tools/capacity-model/table.ts';

await runCommand('usage: npm run capacity-model', async () => {
  const file = resolve(import.meta.dirname, '../docs/capacity.md');
  writeFileSync(file, withCapacityTable(readFileSync(file, 'utf8')));
  console.log(`Wrote the capacity model's table in ${file}`);
});
