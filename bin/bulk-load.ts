import { USAGE, runBulkLoad } from '../lib/commands/bulk-load-command.ts';
import { runCommand } from '../lib/commands/command-line.ts';

await runCommand(USAGE, () => runBulkLoad(process.argv.slice(2)));
