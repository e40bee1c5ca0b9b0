import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import * as z from 'zod/mini';
import type { FieldIssue } from './errors.ts';

/**
 * A bulk load: a tenant's NDJSON file of create bodies, loaded line by line. Its life:
 * `awaiting upload` (started, the file not yet sent) -> `loading` (the file arrived and was read
 * through once, so `lines` is known) -> `completed`, `completed with errors`, or `failed` (the file
 * could not be read at all, with a message).
 */
export const BULK_LOAD_STATUSES = ['awaiting upload', 'loading', 'completed', 'completed with errors', 'failed'] as const;
export type BulkLoadStatus = (typeof BULK_LOAD_STATUSES)[number];

/**
 * The statuses a load may move to from each: the one statement of its life, from which the store builds
 * its conditions (a change from any other status is refused). `loading` to `loading` is the same upload
 * read through again (a retried prepare step). An ended load moves no more.
 */
const NEXT_STATUSES: Record<BulkLoadStatus, readonly BulkLoadStatus[]> = {
  'awaiting upload': ['loading', 'failed'],
  loading: ['loading', 'completed', 'completed with errors', 'failed'],
  completed: [],
  'completed with errors': [],
  failed: [],
};

/** The statuses a load may be in for a change to `status`. */
export const statusesBefore = (status: BulkLoadStatus): BulkLoadStatus[] =>
  BULK_LOAD_STATUSES.filter((from) => NEXT_STATUSES[from].includes(status));

/** Whether a load (as stored, or as a client read it) has ended: its status is one that moves no more (or none a load has). */
export const isLoadEnded = (status: unknown): boolean =>
  !BULK_LOAD_STATUSES.some((known) => known === status && NEXT_STATUSES[known].length > 0);

/** How a load ends once every batch has run, from its counts: a line neither loaded nor refused fails the load. */
export type LoadEnd = { status: 'completed' | 'completed with errors' } | { status: 'failed'; message: string };

export function loadEnd(load: { lines?: number | undefined; loaded: number; failed: number }): LoadEnd {
  const missing = (load.lines ?? 0) - load.loaded - load.failed;
  if (missing > 0) return { status: 'failed', message: `${missing} of ${load.lines} lines were not processed; start a new load for them` };
  return { status: load.failed > 0 ? 'completed with errors' : 'completed' };
}

/** A line that was not loaded: its number, and the message and details the create operation would have answered. */
export interface LineError {
  line: number;
  message: string;
  details?: FieldIssue[];
}

/** Who started the load: its records carry this caller in their security context. */
interface LoadCaller {
  principal: string;
  source_ip: string;
  user_agent: string;
  request_id: string;
}

export interface BulkLoad {
  id: string;
  status: BulkLoadStatus;
  source_file: string;
  /** Non-empty lines in the file; known once the file has been read through. */
  lines?: number;
  loaded: number;
  failed: number;
  created_at: string;
  created_by: LoadCaller;
  /** When the upload arrived and loading began, and when it ended. */
  started_at?: string;
  finished_at?: string;
  /** Why the load failed, when it did. */
  message?: string;
}

/** How many lines, and bytes, one batch of a load holds at most. */
export interface BatchLimits {
  maxLines: number;
  maxBytes: number;
}

/**
 * How many line errors a load keeps: the first, in line order, which a read answers; the others are only
 * counted (`failed` is always complete). Storing every failed line made a load whose lines mostly fail
 * write one index key value per line, for a report that only ever showed the first of them.
 */
export const LINE_ERRORS_KEPT = 1_000;

/**
 * Which of a batch's line errors (in line order) to store, so that the load's first LINE_ERRORS_KEPT
 * line errors are all stored while batches run in any order and at once, and far fewer than all are:
 * `storedBefore` errors of earlier lines are known to be stored (a count that may lag, never overstate),
 * so an error of this batch can be among the first only while fewer than LINE_ERRORS_KEPT come before
 * it; the union of what every batch keeps holds the first exactly. `keptThrough` is the line through
 * which the load's first LINE_ERRORS_KEPT all lie once this batch's are stored, when they reach it:
 * a batch after that line keeps none, without counting.
 */
export function lineErrorsToKeep(
  errors: LineError[],
  known: { firstLine: number; storedBefore: number },
): { kept: LineError[]; keptThrough?: number } {
  const room = Math.max(0, LINE_ERRORS_KEPT - known.storedBefore);
  const kept = errors.slice(0, room);
  if (room === 0) return { kept, keptThrough: known.firstLine - 1 };
  const last = kept.length === room ? kept.at(-1) : undefined;
  return last ? { kept, keptThrough: last.line } : { kept };
}

/** How long a load, its line errors and its bookkeeping are kept after it starts. */
export const BULK_LOAD_RETENTION_DAYS = 30;
/** How long the upload target of a new load stays valid. */
export const UPLOAD_WINDOW_SECONDS = 3_600;
/** The largest file a load takes: S3's limit for one PUT. */
export const MAX_UPLOAD_BYTES = 5 * 1024 ** 3;

export const startBulkLoadSchema = z.strictObject({
  source_file: z.string().check(z.minLength(1), z.maxLength(256)),
});

/**
 * The id of the record a line becomes: the same for every attempt at that line, so a retried batch
 * finds what an earlier attempt wrote instead of writing it twice. It is a UUIDv7 of the moment loading
 * began, with the line number as its sequence (a load's records sort in line order) and the rest of
 * its bits from a hash of the load id and the line.
 */
export function lineRecordId(loadId: string, line: number, startedAtMs: number): string {
  const random = createHash('sha256').update(`${loadId}\n${line}`).digest().subarray(0, 16);
  return uuidv7({ msecs: startedAtMs, seq: line, random });
}
