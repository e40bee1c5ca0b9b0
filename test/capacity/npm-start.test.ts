import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { freePort, startDynamoDbLocal } from '../../lib/local/dynamodb-local.ts';
import { validBody } from '../../testkit/bodies.ts';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** `npm start` with the given settings, until it has printed its banner; the output so far and a stop that answers the exit code. */
async function npmStart(env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bra-start-'));
  const port = await freePort();
  const child = spawn(process.execPath, [join(root, 'bin/start.ts')], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), POWERTOOLS_LOG_LEVEL: 'SILENT', DYNAMODB_ENDPOINT: '', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Ctrl-C') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
  return {
    output: () => output,
    port,
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}

describe('npm start and DynamoDB', () => {
  it('uses the DynamoDB of DYNAMODB_ENDPOINT, makes its tables there, puts the capacity emulator in front, and reports it at stop', async () => {
    const dynamoDb = await startDynamoDbLocal();
    const started = await npmStart({ DYNAMODB_ENDPOINT: dynamoDb.endpoint, DYNAMODB_CAPACITY: '{"scale":10}' });
    try {
      expect(started.output()).toContain(`DynamoDB:        ${dynamoDb.endpoint}`);
      expect(started.output()).toMatch(
        /Capacity: +100 write and 300 read units\/s per partition key value, 400 and 1,200 per table and index, transactions hold items 100 ms \(AWS's numbers divided by 10\), at http:\/\/127\.0\.0\.1:\d+/,
      );
      const token = started.output().match(/^export TOKEN=(\S+)$/m)?.[1] as string;
      const created = await fetch(`http://127.0.0.1:${started.port}/billingRunActions/demo`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(validBody({ name: 'through the emulator' })),
      });
      expect(created.status).toBe(200);
      const client = createDocumentClient({ region: 'us-east-1', endpoint: dynamoDb.endpoint });
      const { TableNames } = await client.send(new ListTablesCommand({}));
      client.destroy();
      expect(TableNames).toEqual(expect.arrayContaining(['billing-run-actions', 'billing-run-actions-tenants']));
    } finally {
      expect(await started.stop()).toBe(0);
      expect(started.output()).toMatch(/capacity emulator: \d+ calls, 0 throttled, 0 refused for transaction conflicts/);
      // The record is in the given DynamoDB, not in one npm start started.
      const stored = createDocumentClient({ region: 'us-east-1', endpoint: dynamoDb.endpoint });
      const { Count } = await stored.send(new ScanCommand({ TableName: 'billing-run-actions', Select: 'COUNT' }));
      stored.destroy();
      expect(Count).toBe(1);
      await dynamoDb.stop();
    }
  });

  it('refuses a bad DYNAMODB_CAPACITY or DYNAMODB_ENDPOINT with a one-line error, the usage and exit 2', async () => {
    for (const [env, problem] of [
      [{ DYNAMODB_CAPACITY: '{"scale":-1}' }, /^error: DYNAMODB_CAPACITY must be 'off' or a JSON object .*; scale is -1\.$/],
      [{ DYNAMODB_CAPACITY: 'fast' }, /^error: DYNAMODB_CAPACITY .* it is not JSON: fast\.$/],
      [{ DYNAMODB_ENDPOINT: 'localhost:8000' }, /^error: DYNAMODB_ENDPOINT must be the URL of a DynamoDB endpoint/],
    ] as const) {
      const failed = await run(process.execPath, [join(root, 'bin/start.ts')], {
        cwd: root,
        env: { ...process.env, DATA_DIR: tmpdir(), PORT: '0', DYNAMODB_ENDPOINT: '', ...env },
      }).catch((error: { code: number; stderr: string }) => error);
      expect((failed as { code: number }).code).toBe(2);
      // The error on its own line, then the usage, and no stack trace.
      const lines = (failed as { stderr: string }).stderr.trim().split('\n');
      expect(lines[0]).toMatch(problem);
      expect(lines.slice(1)).toEqual([expect.stringMatching(/^usage: npm start .*DYNAMODB_ENDPOINT, DYNAMODB_CAPACITY/)]);
    }
  });
});
