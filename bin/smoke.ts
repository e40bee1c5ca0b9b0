import { runCommand } from '../lib/commands/command-line.ts';
import { USAGE, runSmoke } from '../lib/commands/smoke-command.ts';

await runCommand(USAGE, () => runSmoke(process.argv.slice(2)));
