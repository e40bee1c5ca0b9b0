import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/local/dynamodb-local.ts';
import { ROOT } from './bundles.ts';
import { neighbourDuringLoads } from './neighbour.ts';
import { writeFiguresApart } from './results-file.ts';
import { type Figure, log, printFigures, round } from './stats.ts';

/**
 * `npm run bench:neighbour-aws`: the neighbour figures through `npm start` as a user runs it, at AWS's
 * own numbers (no DYNAMODB_CAPACITY; DynamoDB Local on disk under a DATA_DIR of its own): tenant B's
 * creates and gets (5 a second), quiet for 10 s, then beside tenant A's one load of 20,000 lines.
 * There the table would take the load at 1,700 lines a second: the laptop (DynamoDB Local and two
 * cores) holds it, not DynamoDB's limits. Separate from `npm run bench` (it takes minutes of the
 * machine); it writes its two figures into bench/results.json beside the others, replacing those of
 * an earlier run of its own, each with the time it was measured.
 */
const LINES = Number(process.env.BENCH_NEIGHBOUR_LINES ?? 20_000);
const TENANTS = { busy: 'bench-busy', neighbour: 'bench-neighbour' };

/** `npm start` in a process of its own; answers once its banner names its URL. */
async function npmStart(dataDir: string, port: number): Promise<{ service: ChildProcess; url: string; output: () => string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port) };
  delete env.DYNAMODB_CAPACITY;
  delete env.DYNAMODB_ENDPOINT;
  const service = spawn(process.execPath, [join(ROOT, 'bin/start.ts')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  // Kept short: the service's log lines (an access line per request) are read only for the emulator's line at its stop.
  let output = '';
  service.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const seen = setInterval(() => {
      const banner = /Billing Run Actions service on (\S+)/.exec(output);
      if (banner) {
        clearInterval(seen);
        resolve(banner[1] as string);
      }
    }, 100);
    service.once('exit', (code) => {
      clearInterval(seen);
      reject(new Error(`npm start exited with ${code}: ${output.slice(-500)}`));
    });
  });
  return { service, url, output: () => output };
}

/** One of the operator's commands (`npm run tenants`, `npm run token`) against the running service; answers its last line. */
const command = (dataDir: string, script: string, args: string[]): string =>
  execFileSync(process.execPath, [join(ROOT, 'bin', script), ...args], {
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .trim()
    .split('\n')
    .at(-1) as string;

async function measure(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bra-bench-neighbour-aws-'));
  const { service, url, output } = await npmStart(dataDir, await freePort());
  try {
    const tenant = (id: string) => {
      // Premium: B's 10 requests a second and A's follow stay well inside the tier's rate.
      command(dataDir, 'tenants.ts', ['add', id, '--tier', 'premium']);
      return { id, token: command(dataDir, 'token.ts', ['--tenant', id, '--expires-in', '7200']) };
    };
    log(`neighbour at AWS's numbers: tenant B quiet for 10 s, then beside tenant A's ${LINES}-line load, through npm start`);
    const neighbour = await neighbourDuringLoads(
      url,
      { busy: tenant(TENANTS.busy), neighbour: tenant(TENANTS.neighbour) },
      { loads: 1, lines: LINES, perSecond: 5, quietSeconds: 10, timeoutMs: 1_800_000 },
    );
    const stopped = new Promise((resolve) => service.once('exit', resolve));
    service.kill('SIGINT');
    await stopped;
    const emulator = /capacity emulator: .*/.exec(output())?.[0];
    const details = {
      measured_at: new Date().toISOString(),
      through: 'npm start (capacity at AWS numbers, DynamoDB Local on disk)',
      emulator,
    };
    return [
      {
        name: 'neighbour_success_ratio_aws',
        value: round(neighbour.success, 4),
        unit: 'ratio',
        bar: '>= 0.99',
        baseline: 1,
        details: { ...details, ...neighbour.details },
      },
      {
        name: 'neighbour_latency_ratio_aws',
        value: round(neighbour.latencyRatio),
        unit: 'ratio',
        bar: '<= 2',
        baseline: neighbour.details.quiet.p95_ms,
        details: {
          ...details,
          quiet_p95_ms: neighbour.details.quiet.p95_ms,
          during_load_p95_ms: neighbour.details.during_loads.p95_ms,
          load_lines_per_s: neighbour.details.load_lines_per_s,
        },
      },
    ];
  } finally {
    if (service.exitCode === null) service.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const figures = await measure();
writeFiguresApart(figures);
printFigures(figures);
console.log('\nwritten to bench/results.json');
