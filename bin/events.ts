import { runCommand } from '../lib/commands/command-line.ts';
import { USAGE, parseEventsCommand, runEventsCommand } from '../lib/commands/events-command.ts';

await runCommand(USAGE, () => runEventsCommand(parseEventsCommand(process.argv.slice(2)), (line) => console.log(line)));
