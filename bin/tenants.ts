import { USAGE, UsageError, parseTenantsCommand, runTenantsCommand } from '../lib/tenants-command.ts';

try {
  process.exitCode = await runTenantsCommand(parseTenantsCommand(process.argv.slice(2)), (line) => console.log(line));
} catch (error) {
  if (!(error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw error;
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exitCode = 2;
}
