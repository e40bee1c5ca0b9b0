import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { backfillStatusKeys } from '../tables/status-keys-backfill.ts';
import { UsageError } from './command-line.ts';
import { readDeployedStack } from './stack-outputs.ts';

export const USAGE = `usage: npm run backfill-status-keys -- --stack <name>
Gives every record of a deployed stack written before the status lists its status key, so that
?status= lists find it (docs/operations.md, Upgrading). Uses the machine's AWS credentials and AWS_REGION.
Locally there is nothing to run: npm start does it for an older DATA_DIR.`;

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

/** Reads the stack's records table from its outputs and backfills it; prints how many records it gave a key. */
export async function runBackfillCommand(parsed: { stack: string }, print: (line: string) => void): Promise<void> {
  const { tableName } = await readDeployedStack(new CloudFormationClient({}), parsed.stack);
  // Adaptive retries: the scan's writes slow down rather than fail when the table throttles them.
  const client = createDocumentClient({ region: process.env.AWS_REGION, retryMode: 'adaptive' });
  try {
    const count = await backfillStatusKeys(client, tableName);
    print(`${tableName}: ${count} records given their status key`);
  } finally {
    client.destroy();
  }
}
