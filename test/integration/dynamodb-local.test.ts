import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startDynamoDbLocal } from '../../lib/local/dynamodb-local.ts';
import { pollUntil } from '../support/poll.ts';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'bra-ddb-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** A process whose command line looks like DynamoDB Local on `dir` (or not), standing in for an orphan. */
function lookalike(...words: string[]) {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', ...words], { stdio: 'ignore', detached: true });
  child.unref();
  return child.pid as number;
}

describe('DynamoDB Local as the local service starts it', () => {
  it('gives web pages no CORS access, so a site the developer opens cannot read or write the local tables', async () => {
    const preflight = await fetch(inject('dynamoDbEndpoint'), {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://any-site.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-amz-target',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('DynamoDB Local on a data directory', () => {
  it('dies with the process that started it, even one killed with SIGKILL (Linux)', async () => {
    const dir = join(dataDir, 'parent-killed');
    const script = `import { startDynamoDbLocal } from ${JSON.stringify(join(root, 'lib/local/dynamodb-local.ts'))};
      await startDynamoDbLocal({ dataDir: ${JSON.stringify(dir)} }); process.stdout.write('READY\\n'); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolveReady) => parent.stdout?.on('data', (chunk: Buffer) => chunk.includes('READY') && resolveReady()));
    const pid = Number(readFileSync(join(dir, 'dynamodb-local.pid'), 'utf8'));
    expect(alive(pid)).toBe(true);
    parent.kill('SIGKILL');
    await pollUntil(() => ({ pid, alive: alive(pid) }), {
      what: 'DynamoDB Local exiting with its killed parent',
      timeoutMs: 15_000,
      intervalMs: 100,
      until: (seen) => !seen.alive,
    });
    expect(alive(pid)).toBe(false);
  }, 60_000);

  it('stops an orphan of its own data directory before it starts, and touches no other process', async () => {
    const dir = join(dataDir, 'orphaned');
    const stranger = lookalike('DynamoDBLocal.jar', '-dbPath', join(dataDir, 'elsewhere'), '-sharedDb');
    const orphan = lookalike('DynamoDBLocal.jar', '-dbPath', dir, '-sharedDb');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'dynamodb-local.pid'), String(stranger));
    const first = await startDynamoDbLocal({ dataDir: dir });
    expect(alive(stranger)).toBe(true);
    await first.stop();
    writeFileSync(join(dir, 'dynamodb-local.pid'), String(orphan));
    const second = await startDynamoDbLocal({ dataDir: dir });
    expect(alive(orphan)).toBe(false);
    expect(Number(readFileSync(join(dir, 'dynamodb-local.pid'), 'utf8'))).not.toBe(orphan);
    await second.stop();
    process.kill(stranger, 'SIGKILL');
  }, 60_000);
});
