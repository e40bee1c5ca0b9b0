import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EVENTS_FILE } from '../local/streams/local-changes.ts';
import { UsageError } from './command-line.ts';

export const USAGE = `usage: npm run events -- [--tenant <id>] [--follow]
Prints the change events the local service put on its event bus (DATA_DIR/events.ndjson), one JSON
line each, as an EventBridge target receives them; --tenant keeps one tenant's, --follow waits for more.`;

export interface EventsOptions {
  tenant?: string;
  follow: boolean;
  file: string;
}

export function parseEventsCommand(args: string[], env: NodeJS.ProcessEnv = process.env): EventsOptions {
  const { values } = parseArgs({
    args,
    options: { tenant: { type: 'string' }, follow: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.tenant === '') throw new UsageError('--tenant needs a tenant id');
  return {
    ...(values.tenant !== undefined && { tenant: values.tenant }),
    follow: values.follow ?? false,
    file: join(resolve(env.DATA_DIR ?? '.data'), EVENTS_FILE),
  };
}

/** Prints the whole lines of the file from byte `from` that pass the tenant filter; answers where they end (a line not yet whole waits). */
function printFrom(options: EventsOptions, from: number, print: (line: string) => void): number {
  const size = statSync(options.file).size;
  const chunk = Buffer.alloc(size - from);
  const file = openSync(options.file, 'r');
  try {
    readSync(file, chunk, 0, chunk.length, from);
  } finally {
    closeSync(file);
  }
  const whole = chunk.lastIndexOf(0x0a) + 1;
  for (const line of chunk.subarray(0, whole).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    if (options.tenant === undefined || (JSON.parse(line) as { detail?: { tenant?: unknown } }).detail?.tenant === options.tenant)
      print(line);
  }
  return from + whole;
}

/** Prints the events; with `follow`, keeps printing new ones until `signal` aborts (Ctrl-C). */
export async function runEventsCommand(options: EventsOptions, print: (line: string) => void, signal?: AbortSignal): Promise<void> {
  let position = 0;
  if (existsSync(options.file)) position = printFrom(options, 0, print);
  else if (!options.follow) return;
  while (options.follow && !signal?.aborted) {
    await new Promise((done) => setTimeout(done, 200));
    if (existsSync(options.file) && statSync(options.file).size > position) position = printFrom(options, position, print);
  }
}
