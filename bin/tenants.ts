import { runCommand } from '../lib/commands/command-line.ts';
import { USAGE, parseTenantsCommand, runTenantsCommand } from '../lib/commands/tenants-command.ts';

await runCommand(USAGE, () => runTenantsCommand(parseTenantsCommand(process.argv.slice(2)), (line) => console.log(line)));
