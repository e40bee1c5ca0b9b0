import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const files = mkdtempSync(join(tmpdir(), 'bra-bulk-files-'));

const service = serviceForThisFile({ tenants: ['tenant-a'] });

/** `npm run bulk-load -- ...` as a child process with this Node; stdout and stderr are not a terminal. */
const bulkLoad = (args: string[], env: Record<string, string> = { DATA_DIR: service.dataDir }) =>
  run(process.execPath, [join(root, 'bin/bulk-load.ts'), ...args], { cwd: root, env: { ...process.env, ...env } });
const fileOf = (name: string, lines: string[]) => {
  const path = join(files, name);
  writeFileSync(path, lines.join('\n'));
  return path;
};
const lastLine = (text: string) => JSON.parse(text.trim().split('\n').at(-1) as string);

describe('npm run bulk-load', () => {
  it('starts a load on the running instance, uploads the file, shows progress, and prints the final load last (exit 0)', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify(validBody({ billing_run_id: 'cli-run', name: `line ${i + 1}` })));
    lines[4] = '{"broken"';
    lines[9] = JSON.stringify(validBody({ status: 'unknown' }));
    const { stdout, stderr } = await bulkLoad(['--tenant', 'tenant-a', fileOf('run.ndjson', lines)]);
    const load = lastLine(stdout);
    expect(load).toMatchObject({ status: 'completed with errors', source_file: 'run.ndjson', lines: 30, loaded: 28, failed: 2 });
    expect(load.errors.map((error: { line: number }) => error.line)).toEqual([5, 10]);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^load \S+ started$/m);
    expect(stderr).toMatch(/^uploaded \d+ bytes$/m);
    expect(stderr).toMatch(/^completed with errors: 30\/30 lines \(28 loaded, 2 failed\)$/m);
    const token = await service.issuer.sign({ tenant: 'tenant-a' });
    expect((await service.call('GET', '/billingRunActions/tenant-a/billingRun/cli-run?limit=1000', { token })).body.Count).toBe(28);
  });

  it('takes --url and --token, and with the same --key answers the same load without sending the file again', async () => {
    const token = await service.issuer.sign({ tenant: 'tenant-a' });
    const file = fileOf('keyed.ndjson', [JSON.stringify(validBody({ billing_run_id: 'cli-keyed' }))]);
    const args = ['--tenant', 'tenant-a', '--url', service.url, '--token', token, '--key', 'cli-key-1', file];
    const first = lastLine((await bulkLoad(args, {})).stdout);
    const again = await bulkLoad(args, {});
    expect(lastLine(again.stdout)).toMatchObject({ id: first.id, status: 'completed', loaded: 1 });
    expect(again.stderr).not.toMatch(/uploaded/);
  });

  it('exits 1 when the load fails, and says why bad input was refused before anything was uploaded', async () => {
    const blank = await bulkLoad(['--tenant', 'tenant-a', fileOf('blank.ndjson', ['  ', ''])]).catch((error) => error);
    expect(blank.code).toBe(1);
    expect(lastLine(blank.stdout)).toMatchObject({ status: 'failed', message: 'The uploaded file holds no lines' });

    const refusals: [string[], Record<string, string> | undefined, RegExp][] = [
      [['--tenant', 'tenant-a', join(files, 'missing.ndjson')], undefined, /^error: Cannot read .*missing\.ndjson: no such file\.$/m],
      [['--tenant', 'tenant-a', fileOf('empty.ndjson', [])], undefined, /^error: .*empty\.ndjson is empty: nothing to load\.$/m],
      [['--tenant', 'nobody', fileOf('other.ndjson', ['{}'])], undefined, /^error: The service answered 403: /m],
      [
        ['--tenant', 'tenant-a', fileOf('x.ndjson', ['{}'])],
        { DATA_DIR: mkdtempSync(join(tmpdir(), 'bra-none-')) },
        /No instance is running/,
      ],
    ];
    for (const [args, env, message] of refusals) {
      const failure = await bulkLoad(args, env).catch((error) => error);
      expect(failure.code, args.join(' ')).toBe(1);
      expect(failure.stderr).toMatch(message);
      expect(failure.stdout).toBe('');
    }
    expect(existsSync(join(service.dataDir, 'bulk-loads', 'nobody'))).toBe(false);

    for (const args of [['run.ndjson'], ['--tenant', 'tenant-a'], ['--tenant', 'tenant-a', '--url', service.url, 'f']]) {
      expect(await bulkLoad(args).catch((error) => error)).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/usage: npm run bulk-load/),
      });
    }
  });
});
