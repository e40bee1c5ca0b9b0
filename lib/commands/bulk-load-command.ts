import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { TENANT_ID_PATTERN } from '../../lambdas/domain/billing-run-action.ts';
import { WRITE_SCOPE } from '../../lambdas/domain/caller.ts';
import { localIssuer } from '../local/issuer.ts';
import { readInstanceFile } from '../local/local-service.ts';
import { CommandFailed, UsageError } from './command-line.ts';
import { isLoadEnded } from '../../lambdas/domain/bulk-load.ts';

export const USAGE = `usage: npm run bulk-load -- --tenant <id> <file> [--key <idempotency key>] [--url <API base URL> --token <JWT>]
Without --url it loads into the instance running from DATA_DIR (npm start), with a token of the local issuer.`;

interface Options {
  tenant: string;
  file: string;
  key: string | undefined;
  url: string | undefined;
  token: string | undefined;
}

function parseBulkLoadCommand(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { tenant: { type: 'string' }, key: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (!values.tenant || !TENANT_ID_PATTERN.test(values.tenant))
    throw new UsageError('--tenant <id> is required (letters, digits, _ and -).');
  if (positionals.length !== 1) throw new UsageError('Name one file to load.');
  if ((values.url === undefined) !== (values.token === undefined)) throw new UsageError('--url and --token go together.');
  return { tenant: values.tenant, file: positionals[0] as string, key: values.key, url: values.url, token: values.token };
}

/** How long a load may still say `awaiting upload` after its file was sent before the command gives up on it. */
const AWAIT_UPLOAD_MS = 120_000;

type Load = Record<string, unknown> & { id: string; status: string; lines?: number; loaded: number; failed: number };

async function call(url: string, token: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { Authorization: `Bearer ${token}`, ...(init.body !== undefined && { 'Content-Type': 'application/json' }), ...init.headers },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  }).catch((error: Error) => {
    throw new CommandFailed(`Cannot reach ${new URL(url).origin} (${error.message}); is the service running there?`);
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new CommandFailed(`The service answered ${response.status}: ${String(body.message ?? response.statusText)}`);
  return body;
}

/** Sends the file as the upload target says, streamed, with its length (S3 takes no chunked PUT). */
function upload(target: { url: string; method: string; headers: Record<string, string> }, file: string, bytes: number): Promise<void> {
  const url = new URL(target.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: target.method, headers: { ...target.headers, 'Content-Length': String(bytes) } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        (response.statusCode ?? 500) < 300
          ? resolve()
          : reject(new CommandFailed(`The upload was refused (${response.statusCode}): ${text.slice(0, 300)}`)),
      );
    });
    request.on('error', (error) => reject(new CommandFailed(`The upload failed: ${error.message}`)));
    createReadStream(file).on('error', reject).pipe(request);
  });
}

/** Where to load: the given API, or the local instance running from DATA_DIR with a local token. */
async function target(options: Options, dataDir: string): Promise<{ base: string; token: string }> {
  if (options.url && options.token) return { base: options.url.replace(/\/$/, ''), token: options.token };
  const instance = readInstanceFile(dataDir);
  if (!instance) {
    throw new CommandFailed(
      `No instance is running from ${dataDir}; start one with npm start, or pass --url and --token of a deployed API.`,
    );
  }
  const issuer = await localIssuer(dataDir);
  return { base: instance.url, token: await issuer.sign({ tenant: options.tenant, sub: 'bulk-load', scope: WRITE_SCOPE }) };
}

/** Progress on a terminal as a bar; otherwise a plain line whenever the counts move (at most each second). */
function progress(stream: NodeJS.WriteStream) {
  const bar = stream.isTTY
    ? new SingleBar({ stream, format: 'loading [{bar}] {percentage}% | {value}/{total} lines | {failed} failed', hideCursor: true })
    : undefined;
  let started = false;
  let last = '';
  return {
    show(load: Load) {
      const done = load.loaded + load.failed;
      if (bar && load.lines !== undefined) {
        if (!started) bar.start(load.lines, done, { failed: load.failed });
        else bar.update(done, { failed: load.failed });
        started = true;
        return;
      }
      const line = `${load.status}: ${done}${load.lines === undefined ? '' : `/${load.lines}`} lines (${load.loaded} loaded, ${load.failed} failed)`;
      if (!bar && line !== last) stream.write(`${line}\n`);
      last = line;
    },
    stop: () => bar?.stop(),
  };
}

/**
 * `npm run bulk-load`: checks the file, starts a load, uploads the file as told, follows the load
 * with progress on stderr, and prints the final load as one JSON line on stdout, its last line. Exit 0
 * when it ends `completed` or `completed with errors`, 1 otherwise.
 */
export async function runBulkLoad(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = parseBulkLoadCommand(argv);
  let bytes: number;
  try {
    const stat = statSync(options.file);
    if (!stat.isFile()) throw new CommandFailed(`${options.file} is not a file.`);
    bytes = stat.size;
  } catch (error) {
    if (error instanceof CommandFailed) throw error;
    throw new CommandFailed(`Cannot read ${options.file}: no such file.`);
  }
  if (bytes === 0) throw new CommandFailed(`${options.file} is empty: nothing to load.`);
  const { base, token } = await target(options, env.DATA_DIR ?? '.data');
  const loads = `${base}/billingRunActions/${encodeURIComponent(options.tenant)}/bulkLoads`;

  const started = (await call(loads, token, {
    method: 'POST',
    body: { source_file: basename(options.file).slice(0, 256) },
    headers: options.key ? { 'Idempotency-Key': options.key } : {},
  })) as Load & { upload?: { url: string; method: string; headers: Record<string, string> } };
  process.stderr.write(`load ${started.id} started\n`);
  if (started.upload) {
    await upload(started.upload, options.file, bytes);
    process.stderr.write(`uploaded ${bytes} bytes\n`);
  }
  const shown = progress(process.stderr);
  const uploadedAt = Date.now();
  let load: Load;
  for (;;) {
    load = (await call(`${loads}/${started.id}`, token)) as Load;
    shown.show(load);
    if (isLoadEnded(load.status)) break;
    if (load.status === 'awaiting upload' && Date.now() - uploadedAt > AWAIT_UPLOAD_MS) {
      process.stderr.write(`the load still awaits its upload ${AWAIT_UPLOAD_MS / 1000} s after it was sent; start a new load\n`);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  shown.stop();
  console.log(JSON.stringify(load));
  return load.status === 'completed' || load.status === 'completed with errors' ? 0 : 1;
}
