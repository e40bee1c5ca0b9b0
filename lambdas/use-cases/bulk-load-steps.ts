import pLimit from 'p-limit';
import type { BillingRunAction } from '../domain/billing-run-action.ts';
import { type BulkLoad, DETAILS_PER_LINE_ERROR, type LineError, lineRecordId } from '../domain/bulk-load.ts';
import type { Caller } from '../domain/caller.ts';
import { ServiceError } from '../domain/errors.ts';
import { MAX_BODY_BYTES, bodyTooLarge, parseJsonBody } from '../domain/json-body.ts';
import { METRIC } from '../domain/metric-names.ts';
import { type FileLine, type LineRange, fileLines, lineRanges } from '../domain/ndjson-lines.ts';
import { newRecord } from '../domain/record-stamp.ts';
import type { UploadedFile } from '../storage/bulk-load-files.ts';
import type { BulkChunks, BulkLoads } from '../storage/bulk-load-store.ts';
import { createBodyFields } from './create-billing-run-action.ts';
import type { ActionDependencies } from './dependencies.ts';
import { assignExecution, startAssignedExecution } from './processing.ts';

/**
 * The three steps of loading an uploaded file, the same in AWS (a state machine with a Distributed
 * Map) and on a laptop (the local runner): read the file through once into batches of lines; load each
 * batch (any number at once, any of them again); then finish the load.
 */
export interface BulkRunDependencies {
  loads: BulkLoads;
  chunks: BulkChunks;
  /** The records' own dependencies: repository, processor, clock, metrics. */
  actions: ActionDependencies;
  /** How many lines, and bytes, one batch holds at most. */
  batch: { maxLines: number; maxBytes: number };
}

/** The operation name a loaded record's security context carries. */
const BULK_OPERATION = 'bulkLoad';

/** Step 1: the upload is claimed (`loading`), read through once into batches, and its line count stored. */
export async function readThrough(
  deps: BulkRunDependencies,
  file: UploadedFile,
  tenantId: string,
  loadId: string,
): Promise<BulkLoad | undefined> {
  const load = await deps.loads.beginLoading(tenantId, loadId, deps.actions.clock().toISOString(), file.version);
  if (!load) return undefined; // another upload of it is (or was) being loaded, or it has ended
  let lines = 0;
  async function* counted(): AsyncGenerator<LineRange> {
    for await (const range of lineRanges(fileLines(file.read(), MAX_BODY_BYTES), deps.batch)) {
      lines += range.lines;
      yield range;
    }
  }
  try {
    await file.writeBatches(counted());
  } catch (error) {
    deps.actions.reportError(error, { loadId, step: 'read the uploaded file' });
    await failLoad(deps, tenantId, loadId, `The uploaded file could not be read (${(error as Error).name})`);
    return deps.loads.get(tenantId, loadId);
  }
  if (lines === 0) {
    await failLoad(deps, tenantId, loadId, 'The uploaded file holds no lines');
    return deps.loads.get(tenantId, loadId);
  }
  return deps.loads.countLines(tenantId, loadId, lines);
}

type LineOutcome = { line: number; record: BillingRunAction } | { line: number; error: LineError };

/** One line, read exactly as a create body would be: the record it becomes, or the error create would answer. */
function lineOutcome(deps: BulkRunDependencies, load: BulkLoad, caller: Caller, fileLine: FileLine, at: string): LineOutcome {
  const { line } = fileLine;
  const { tenantId } = caller;
  try {
    if (fileLine.unreadable === 'too long') throw bodyTooLarge(fileLine.end - fileLine.start);
    if (fileLine.unreadable === 'not UTF-8') return { line, error: { line, message: 'Request body is not valid UTF-8' } };
    const fields = createBodyFields(parseJsonBody(fileLine.text as string));
    const startedAt = load.started_at as string;
    const record = newRecord(
      lineRecordId(load.id, line, Date.parse(startedAt)),
      {
        ...fields,
        sys_bulk_load_id: load.id,
        sys_bulk_load_record_no: line,
        sys_bulk_load_source_file: load.source_file,
        sys_bulk_load_at: startedAt,
        sys_bulk_load_pk: `${tenantId}#${load.id}`,
      },
      { caller, operation: BULK_OPERATION, at },
    );
    const unstorable = deps.chunks.unstorable(tenantId, record);
    if (unstorable) return { line, error: { line, message: unstorable.message } };
    return { line, record: assignExecution(deps.actions, tenantId, undefined, record) };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    const details = error.details?.slice(0, DETAILS_PER_LINE_ERROR);
    return { line, error: { line, message: error.message, ...(details && { details }) } };
  }
}

/**
 * Step 2: one batch of lines. Run twice (a retry after a crash or a timeout), it loads no line twice
 * and counts none twice; run beside others, the tenant's record limit holds exactly.
 */
export async function loadChunk(
  deps: BulkRunDependencies,
  file: UploadedFile,
  tenantId: string,
  loadId: string,
  range: LineRange,
): Promise<{ loaded: number; failed: number }> {
  const earlier = await deps.chunks.chunk(tenantId, loadId, range.first);
  if (earlier?.done) return { loaded: 0, failed: 0 };
  const load = await deps.loads.get(tenantId, loadId);
  if (load?.status !== 'loading') return { loaded: 0, failed: 0 };

  const at = deps.actions.clock().toISOString();
  // Every record of the load is written, and its processing started, as the caller that started the load.
  const caller: Caller = {
    principal: load.created_by.principal,
    tenantId,
    sourceIp: load.created_by.source_ip,
    userAgent: load.created_by.user_agent,
    requestId: load.created_by.request_id,
  };
  const records: BillingRunAction[] = [];
  const errors: LineError[] = [];
  for await (const fileLine of fileLines(file.read(range), MAX_BODY_BYTES, { offset: range.start, line: range.first })) {
    const outcome = lineOutcome(deps, load, caller, fileLine, at);
    if ('record' in outcome) records.push(outcome.record);
    else errors.push(outcome.error);
  }

  const reservation = earlier ?? (await deps.chunks.reserve(tenantId, loadId, range.first, records.length));
  const written = records.slice(0, reservation.granted);
  for (const refused of records.slice(reservation.granted)) {
    errors.push({ line: refused.sys_bulk_load_record_no as number, message: reservation.refusal ?? 'The tenant has no room left' });
  }
  await deps.chunks.putRecords(tenantId, written, { firstAttempt: earlier === undefined });

  const limit = pLimit(deps.actions.batchConcurrency);
  await Promise.all(written.map((record) => limit(() => startAssignedExecution(deps.actions, caller, record))));

  errors.sort((a, b) => a.line - b.line);
  await deps.chunks.putLineErrors(tenantId, loadId, errors);
  const counts = { loaded: written.length, failed: errors.length };
  await deps.chunks.finishChunk(tenantId, loadId, range.first, counts);
  deps.actions.count(METRIC.bulkLinesLoaded, counts.loaded);
  deps.actions.count(METRIC.bulkLinesFailed, counts.failed);
  return counts;
}

/** Step 3: every batch has run; the load ends `completed`, `completed with errors`, or `failed` if lines went unaccounted. */
export async function finishLoad(deps: BulkRunDependencies, tenantId: string, loadId: string): Promise<BulkLoad | undefined> {
  const load = await deps.loads.finish(tenantId, loadId, deps.actions.clock().toISOString());
  if (load?.status === 'failed') deps.actions.count(METRIC.bulkLoadsFailed);
  return load;
}

/** The file could not be loaded at all: the load ends `failed` with the message. */
export async function failLoad(deps: BulkRunDependencies, tenantId: string, loadId: string, message: string): Promise<void> {
  await deps.loads.fail(tenantId, loadId, message, deps.actions.clock().toISOString());
  deps.actions.count(METRIC.bulkLoadsFailed);
}
