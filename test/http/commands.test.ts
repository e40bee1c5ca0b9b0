import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type AddressInfo, createServer } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../lib/local/dynamodb-local.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { pollUntil } from '../support/poll.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');

/**
 * Runs one of the project's command-line entry points as `npm run` would, with this Node; without the
 * DynamoDB endpoint this process's own service set for its functions (npm start starts its own DynamoDB Local).
 */
const command = (script: string, args: string[], env: Record<string, string>) =>
  run(process.execPath, [join(root, 'bin', script), ...args], { cwd: root, env: { ...process.env, DYNAMODB_ENDPOINT: '', ...env } });

describe('npm run tenants and npm run token against a running instance', () => {
  const service = serviceForThisFile({ tenants: ['tenant-a'] });

  it('provision a tenant, sign a token for it, list it and remove it', async () => {
    const env = { DATA_DIR: service.dataDir };
    const { stdout: token } = await command('token.ts', ['--tenant', 'newcomer', '--sub', 'cli-user', '--expires-in', '600'], env);
    const bearer = token.trim().split('\n').at(-1) as string;
    const path = '/billingRunActions/newcomer/certification/c1';
    expect((await service.call('GET', path, { token: bearer })).status).toBe(403);

    const added = await command('tenants.ts', ['add', 'newcomer', '--tier', 'standard', '--max-actions', '500'], env);
    expect(added.stdout).toMatch(/Tenant 'newcomer' added: tier standard, max actions 500\./);
    expect((await service.call('GET', path, { token: bearer })).body).toEqual({ Count: 0, Items: [] });

    const listed = await command('tenants.ts', ['list'], env);
    expect(listed.stdout).toMatch(/^newcomer\tstandard\tmax 500/m);
    expect(listed.stdout).toMatch(/^tenant-a\t/m);

    await command('tenants.ts', ['remove', 'newcomer'], env);
    expect((await service.call('GET', path, { token: bearer })).status).toBe(403);
  });

  it('a removed tenant gets 403 until it is added again, which restores its records, tier and limit, changed only by the options given', async () => {
    const env = { DATA_DIR: service.dataDir };
    const bearer = await service.issuer.sign({ tenant: 'returning' });
    const base = '/billingRunActions/returning';
    const tenants = async (...args: string[]) => (await command('tenants.ts', args, env)).stdout.trim();
    /** The tenant's line in `list`: tier, limit and records held. */
    const listed = async () => (await tenants('list')).match(/^returning\t(.*)\tsince /m)?.[1];
    /** Removes the tenant: reads and writes of its record `id` are refused. */
    const refusedWhileRemoved = async (id: string) => {
      expect(await tenants('remove', 'returning')).toBe("Tenant 'returning' removed; its records, tier and limit are kept.");
      for (const [method, path, body] of [
        ['GET', `${base}/${id}`, undefined],
        ['POST', base, validBody()],
        ['DELETE', `${base}/${id}`, undefined],
      ] as const) {
        const response = await service.call(method, path, { token: bearer, body });
        expect(response, `${method} ${path}`).toMatchObject({ status: 403, body: { message: "Tenant 'returning' is not provisioned" } });
      }
    };

    expect(await tenants('add', 'returning', '--tier', 'standard', '--max-actions', '500')).toBe(
      "Tenant 'returning' added: tier standard, max actions 500.",
    );
    const created = await service.call('POST', base, { token: bearer, body: validBody() });
    const id = created.body.id as string;

    await refusedWhileRemoved(id);
    expect(await listed()).toBeUndefined();
    expect(await tenants('add', 'returning')).toBe("Tenant 'returning' restored: tier standard, max actions 500.");
    expect(await listed()).toBe('standard\tmax 500\tholds 1');
    expect((await service.call('GET', `${base}/${id}`, { token: bearer })).body).toMatchObject({ id });

    await refusedWhileRemoved(id);
    expect(await tenants('add', 'returning', '--max-actions', '700')).toBe(
      "Tenant 'returning' restored: tier standard, max actions 500 -> 700.",
    );

    await refusedWhileRemoved(id);
    expect(await tenants('add', 'returning', '--tier', 'premium')).toBe(
      "Tenant 'returning' restored: tier standard -> premium, max actions 700.",
    );
    expect(await listed()).toBe('premium\tmax 700\tholds 1');
    expect((await service.call('GET', `${base}/${id}`, { token: bearer })).status).toBe(200);
  }, 120_000);

  it('refuse bad arguments with usage and exit code 2', async () => {
    const env = { DATA_DIR: service.dataDir };
    await expect(command('tenants.ts', ['add', 'bad tenant'], env)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/usage/),
    });
    await expect(command('tenants.ts', ['add', 't', '--tier', 'gold'], env)).rejects.toMatchObject({ code: 2 });
    await expect(command('token.ts', [], env)).rejects.toMatchObject({ code: 2 });
  });
});

describe('npm start', () => {
  it('starts DynamoDB Local and the gateway, prints a working token and curl line, and stops on Ctrl-C', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bra-start-'));
    const port = await freePort();
    const child = spawn(process.execPath, [join(root, 'bin/start.ts')], {
      cwd: root,
      // Not the endpoint this process's own service set for its functions: npm start starts its own DynamoDB Local.
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), POWERTOOLS_LOG_LEVEL: 'SILENT', DYNAMODB_ENDPOINT: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', done));
    try {
      await pollUntil(() => ({ output, exitCode: child.exitCode }), {
        what: 'npm start printing its Ctrl-C line (or exiting)',
        timeoutMs: 60_000,
        intervalMs: 100,
        until: (seen) => seen.output.includes('Ctrl-C') || seen.exitCode !== null,
      });
      expect(output).toContain(`http://127.0.0.1:${port}`);
      const token = output.match(/^export TOKEN=(\S+)$/m)?.[1];
      const curlLine = output.match(/^curl .*$/m)?.[0];
      expect(token).toBeDefined();
      const { stdout } = await run('sh', ['-c', curlLine as string], { env: { ...process.env, TOKEN: token as string } });
      expect(JSON.parse(stdout)).toEqual({ Count: 0, Items: [] });
      const jwks = (await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
      expect(jwks.keys).toHaveLength(1);
    } finally {
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
    await expect(fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).rejects.toThrow();
  }, 90_000);
});

describe('commands meet bad arguments and failed start-up with one line, no stack trace, and leave nothing running', () => {
  /** Runs an entry point to its end and gives its exit code and output. */
  const attempt = async (script: string, args: string[], env: Record<string, string>) => {
    try {
      const { stdout, stderr } = await command(script, args, env);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  const expectOneLine = (stderr: string, problem: RegExp) => {
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(problem);
    expect(stderr).not.toMatch(/^\s+at /m);
  };
  const javaOf = (dataDir: string) =>
    run('ps', ['-eo', 'args']).then(({ stdout }) => stdout.split('\n').filter((line) => line.includes(dataDir) && /java/.test(line)));

  it('npm run token: an option without its value, or a bad one, is a usage error (exit 2)', async () => {
    const env = { DATA_DIR: mkdtempSync(join(tmpdir(), 'bra-token-')) };
    for (const args of [['--tenant'], ['--tenant', 'a', '--expires-in', 'soon'], ['--tenant', 'a', '--colour', 'red']]) {
      const result = await attempt('token.ts', args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expectOneLine(result.stderr, /./);
      expect(result.stderr).toMatch(/usage: npm run token/);
    }
    rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  it('npm start on a port in use names the port and the fix (exit 1), and stops the DynamoDB Local it started', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bra-busy-'));
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((done) => blocker.once('listening', done));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = await attempt('start.ts', [], { DATA_DIR: dataDir, PORT: String(port) });
      expect(result.code).toBe(1);
      expectOneLine(result.stderr, new RegExp(`Port ${port} is in use.*PORT=`));
      expect(await javaOf(dataDir)).toEqual([]);
    } finally {
      blocker.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);

  it('npm start without Java says what to install (exit 1)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'bra-nojava-'));
    const result = await attempt('start.ts', [], { DATA_DIR: dataDir, PORT: '0', PATH: dataDir });
    expect(result.code).toBe(1);
    expectOneLine(result.stderr, /Java 17 or newer.*apt-get install -y default-jre-headless/);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('npm start with a PORT that is not a port is a usage error (exit 2)', async () => {
    const result = await attempt('start.ts', [], { DATA_DIR: tmpdir(), PORT: 'http' });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /PORT must be a port number/);
  });

  it('npm run tenants: an unknown command is a usage error (exit 2)', async () => {
    const result = await attempt('tenants.ts', ['promote', 'acme'], { DATA_DIR: tmpdir() });
    expect(result.code).toBe(2);
    expectOneLine(result.stderr, /Unknown command 'promote'/);
  });
});
