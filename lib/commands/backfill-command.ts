import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { backfillStatusKeys } from '../tables/status-keys-backfill.ts';
import { backfillSummaries } from '../tables/summary-backfill.ts';
import { CommandFailed, UsageError } from './command-line.ts';
import { readDeployedStack } from './stack-outputs.ts';

export const USAGE = `usage: npm run backfill -- --stack <name>   (also: npm run backfill-status-keys, its older name)
Brings the records of a deployed stack written before an upgrade up to date (docs/operations.md,
Upgrading): gives each record its status key, so that ?status= lists find it, and counts each record the
change stream never told in its billing run's summary (once, whatever the stream counts meanwhile).
Uses the machine's AWS credentials and AWS_REGION. Locally there is nothing to run: npm start does both
for an older DATA_DIR.`;

/** The stack named by --stack (or STACK_NAME). */
export function parseBackfillCommand(args: string[], env: NodeJS.ProcessEnv = process.env): { stack: string } {
  let values: { stack?: string | undefined };
  try {
    ({ values } = parseArgs({ args, options: { stack: { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const stack = values.stack ?? (env.STACK_NAME || undefined);
  if (!stack) throw new UsageError('--stack <name> (or STACK_NAME) is required: the backfill acts on a deployed stack');
  return { stack };
}

/** Reads the stack's records table from its outputs and backfills it: the status keys, then the summaries; prints what each did. */
export async function runBackfillCommand(parsed: { stack: string }, print: (line: string) => void): Promise<void> {
  const { tableName, summariesTableName } = await readDeployedStack(new CloudFormationClient({}), parsed.stack);
  if (!summariesTableName) {
    throw new CommandFailed(
      `Stack ${parsed.stack} has no output SummariesTableName: deploy this release (the change stream) first, then run the backfill`,
    );
  }
  // Adaptive retries: the scan's writes slow down rather than fail when the table throttles them.
  const client = createDocumentClient({ region: process.env.AWS_REGION, retryMode: 'adaptive' });
  try {
    const count = await backfillStatusKeys(client, tableName);
    print(`${tableName}: ${count} records given their status key`);
    // After the stream is on (the deploy that added it): a change made during the scan is the stream's to count.
    const read = await backfillSummaries(client, tableName, summariesTableName);
    print(`${tableName}: ${read} live records counted in their runs' summaries (each once: those counted already are left)`);
  } finally {
    client.destroy();
  }
}
