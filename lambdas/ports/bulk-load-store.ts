import type { BillingRunAction } from '../domain/record-schema.ts';
import type { BatchLimits, BulkLoad, LineError } from '../domain/bulk-load.ts';
import type { ServiceError } from '../domain/errors.ts';
import type { IdempotencyClaim } from './billing-run-action-repository.ts';

/** What a batch of lines has done so far: room reserved on the tenant's counter, and once done its counts. */
export interface ChunkState {
  /** How many of its records the tenant's counter holds room for (reserved once, with the bookkeeping item). */
  granted: number;
  /** Why it was granted less than it wanted. */
  refusal?: string;
  done: boolean;
}

/** The port to the loads themselves: start, read, and the moves between statuses. */
export interface BulkLoads {
  /** Stores a new load; with a claim, at most once per Idempotency-Key (a replay answers the first load). */
  create(tenantId: string, load: BulkLoad, idempotency?: IdempotencyClaim): Promise<{ load: BulkLoad; replayed: boolean }>;
  get(tenantId: string, loadId: string): Promise<BulkLoad | undefined>;
  /** Up to `limit` stored line errors of lines after `afterLine` (0: from the first), in line order. */
  lineErrors(tenantId: string, loadId: string, page: { afterLine: number; limit: number }): Promise<LineError[]>;
  /**
   * How many line errors of lines before `line` are stored, counted up to LINE_ERRORS_KEPT (no reader
   * needs more), and once a batch recorded it (BulkChunks.lineErrorsKeptThrough), the line through which
   * the load's first LINE_ERRORS_KEPT line errors all lie: past it, the count is LINE_ERRORS_KEPT unread.
   */
  lineErrorsBefore(tenantId: string, loadId: string, line: number): Promise<{ count: number; keptThrough?: number }>;
  /**
   * Claims an upload (`upload`: which version of the file) for loading: `awaiting upload` -> `loading`,
   * or `loading` again for the same upload (a step that runs again); undefined for any other upload.
   * The moment loading began (the records' ids derive from it) and the batch limits are kept from the
   * first claim: the answer holds those, whatever a later claim offers.
   */
  beginLoading(
    tenantId: string,
    loadId: string,
    at: string,
    upload: string,
    batch: BatchLimits,
  ): Promise<{ load: BulkLoad; batch: BatchLimits } | undefined>;
  /** Stores how many lines the file holds, once it has been read through. */
  countLines(tenantId: string, loadId: string, lines: number): Promise<BulkLoad | undefined>;
  /** `loading` -> `completed` or `completed with errors` (the domain decides which: loadEnd); the load after, or undefined if it was no longer loading. */
  complete(tenantId: string, loadId: string, status: 'completed' | 'completed with errors', at: string): Promise<BulkLoad | undefined>;
  /** Any unfinished status -> `failed` with the message. */
  fail(tenantId: string, loadId: string, message: string, at: string): Promise<void>;
}

/**
 * The port to the work on a load's batches of lines. Every step that a retry could repeat is
 * conditional, so that a batch run twice writes each record once and counts it once: the room on the
 * tenant's counter is reserved together with the batch's bookkeeping item, and the load's counts grow
 * together with that item's move to done.
 */
/** A record made ready to write by `storable` (checked against the item limit and converted once): a write hands it on as it is. */
export interface StorableRecord {
  readonly record: BillingRunAction;
}

export interface BulkChunks {
  chunk(tenantId: string, loadId: string, firstLine: number): Promise<ChunkState | undefined>;
  /**
   * Reserves room for up to `wanted` records on the tenant's counter, exactly: never past its limit
   * under any concurrency. Returns what was granted, or, when the batch reserved before, what it was.
   * `refusal` says why less than wanted was granted.
   */
  reserve(tenantId: string, loadId: string, firstLine: number, wanted: number): Promise<{ granted: number; refusal?: string }>;
  /**
   * Writes new records. `firstAttempt`: no earlier attempt of the batch wrote any, so they go in batches
   * without conditions; otherwise each is put only if it is not there yet.
   */
  putRecords(tenantId: string, records: StorableRecord[], options: { firstAttempt: boolean }): Promise<void>;
  /** Stores line errors of the load (those a batch keeps: domain/bulk-load.ts, lineErrorsToKeep); storing one again changes nothing. */
  putLineErrors(tenantId: string, loadId: string, errors: LineError[]): Promise<void>;
  /** Records that the load's first LINE_ERRORS_KEPT line errors are all stored and lie at or before `line` (an earlier line recorded stands). */
  lineErrorsKeptThrough(tenantId: string, loadId: string, line: number): Promise<void>;
  /** The record ready to write, or why it cannot be stored (DynamoDB's item limit). */
  storable(tenantId: string, record: BillingRunAction): StorableRecord | ServiceError;
  /** Which of these records of the tenant are stored (written by an attempt of a batch). */
  storedIds(tenantId: string, ids: string[]): Promise<Set<string>>;
  /**
   * Marks the batch done and adds its counts to the load's, once; `released` records' room goes back
   * to the tenant's counter with it (a batch that gave up before writing all it reserved room for).
   */
  finishChunk(
    tenantId: string,
    loadId: string,
    firstLine: number,
    counts: { loaded: number; failed: number },
    released: number,
  ): Promise<void>;
}
