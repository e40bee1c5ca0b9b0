import { runCommand } from '../lib/commands/command-line.ts';
import { USAGE, parseBackfillCommand, runBackfillCommand } from '../lib/commands/backfill-command.ts';

await runCommand(USAGE, () => runBackfillCommand(parseBackfillCommand(process.argv.slice(2)), (line) => console.log(line)));
