import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCommand } from '../lib/commands/command-line.ts';
import { buildOpenApiDocument } from '../lib/openapi/openapi.ts';

await runCommand('usage: npm run openapi', async () => {
  const file = resolve(import.meta.dirname, '../openapi.json');
  writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
  console.log(`Wrote ${file}`);
});
