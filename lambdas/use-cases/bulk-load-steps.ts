import pLimit from 'p-limit';
import { type BulkLoad, type LineError, lineErrorsToKeep, loadEnd } from '../domain/bulk-load.ts';
import type { Caller } from '../domain/caller.ts';
import { METRIC } from '../domain/metric-names.ts';
import { type LineRange, fileLines, lineRanges } from '../domain/ndjson-lines.ts';
import { MAX_BODY_BYTES } from '../domain/json-body.ts';
import type { UploadedFile } from '../ports/bulk-load-files.ts';
import type { StorableRecord } from '../ports/bulk-load-store.ts';
import { openBatch, refusedLines } from './bulk-load-batch.ts';
import type { BulkRunDependencies, BulkStepDependencies } from './dependencies.ts';
import { startAssignedExecution } from './processing-starts.ts';

/*
 * The three steps of loading an uploaded file, the same in AWS (a state machine with a Distributed
 * Map) and on a laptop (the local runner): read the file through once into batches of lines; load each
 * batch (any number at once, any of them again); then finish the load. A batch's lines are read by
 * bulk-load-batch.ts.
 */

/**
 * Step 1: the upload is claimed (`loading`), read through once into batches, and its line count stored.
 * The batches are fixed by the first claim: a step that runs again (a retry, or a resume after a stop)
 * finds the line count stored and the batches written, and reads nothing again; if it stopped before
 * that, it cuts the file by the limits the load began with, whatever the settings are now, so no batch
 * ever overlaps one that an earlier run loaded.
 */
export async function readThrough(
  deps: BulkStepDependencies,
  file: UploadedFile,
  tenantId: string,
  loadId: string,
): Promise<BulkLoad | undefined> {
  const claim = await deps.loads.beginLoading(tenantId, loadId, deps.actions.clock().toISOString(), file.version, deps.batch);
  if (!claim) return undefined; // another upload of it is (or was) being loaded, or it has ended
  const { load, batch } = claim;
  if (load.lines !== undefined) return load;
  let lines = 0;
  async function* counted(): AsyncGenerator<LineRange> {
    for await (const range of lineRanges(fileLines(file.read(), MAX_BODY_BYTES), batch)) {
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
  const batch = await openBatch(deps, file, tenantId, loadId, range);
  if (!batch) return { loaded: 0, failed: 0 };
  const { earlier, caller, records, errors } = batch;
  const reservation = earlier ?? (await deps.chunks.reserve(tenantId, loadId, range.first, records.length));
  const written = records.slice(0, reservation.granted);
  errors.push(...refusedLines(records.slice(reservation.granted), reservation.refusal));
  await deps.chunks.putRecords(tenantId, written, { firstAttempt: earlier === undefined });
  await startExecutions(deps, caller, written);
  return settle(deps, tenantId, loadId, range, { loaded: written.length, errors, released: 0 });
}

/**
 * Step 2, when a batch has failed as often as it may: it gives up, and says exactly what happened to
 * each of its lines. Records an attempt wrote count as loaded (their processing is started); a valid
 * line whose record is not there becomes a line error that says to send it again; the room reserved
 * for records that were not written goes back to the tenant. Like the batch itself, it counts once.
 */
export async function giveUpChunk(
  deps: BulkRunDependencies,
  file: UploadedFile,
  tenantId: string,
  loadId: string,
  range: LineRange,
  reason: string,
): Promise<{ loaded: number; failed: number }> {
  const batch = await openBatch(deps, file, tenantId, loadId, range);
  if (!batch) return { loaded: 0, failed: 0 };
  const { earlier, caller, records, errors } = batch;
  const granted = earlier?.granted ?? 0;
  const candidates = records.slice(0, granted);
  if (earlier) errors.push(...refusedLines(records.slice(granted), earlier.refusal));
  const stored = await deps.chunks.storedIds(
    tenantId,
    candidates.map(({ record }) => record.id),
  );
  const written = candidates.filter(({ record }) => stored.has(record.id));
  const notLoaded = `Not loaded: lines ${range.first} to ${range.last} failed to load (${reason}); send this line again in a new load`;
  for (const { record } of [...candidates.filter((candidate) => !stored.has(candidate.record.id)), ...(earlier ? [] : records)]) {
    errors.push({ line: record.sys_bulk_load_record_no as number, message: notLoaded });
  }
  await startExecutions(deps, caller, written);
  deps.actions.count(METRIC.bulkBatchesGivenUp);
  return settle(deps, tenantId, loadId, range, { loaded: written.length, errors, released: granted - written.length });
}

async function startExecutions(deps: BulkRunDependencies, caller: Caller, records: StorableRecord[]): Promise<void> {
  const limit = pLimit(deps.actions.batchConcurrency);
  await Promise.all(records.map(({ record }) => limit(() => startAssignedExecution(deps.actions, caller, record))));
}

/** The batch's line errors that the load keeps are stored, then it is marked done and its counts (every error) added to the load's, once. */
async function settle(
  deps: BulkRunDependencies,
  tenantId: string,
  loadId: string,
  range: LineRange,
  outcome: { loaded: number; errors: LineError[]; released: number },
): Promise<{ loaded: number; failed: number }> {
  outcome.errors.sort((a, b) => a.line - b.line);
  await keepLineErrors(deps, tenantId, loadId, range.first, outcome.errors);
  const counts = { loaded: outcome.loaded, failed: outcome.errors.length };
  await deps.chunks.finishChunk(tenantId, loadId, range.first, counts, outcome.released);
  deps.actions.count(METRIC.bulkLinesLoaded, counts.loaded);
  deps.actions.count(METRIC.bulkLinesFailed, counts.failed);
  return counts;
}

/**
 * A load keeps its first LINE_ERRORS_KEPT line errors and counts the rest: the batch stores those of its
 * errors that may still be among the first, given how many of earlier lines are stored already
 * (domain/bulk-load.ts, lineErrorsToKeep), and when the first are then all stored, says through which
 * line, so that the batches after it neither count nor store.
 */
async function keepLineErrors(deps: BulkRunDependencies, tenantId: string, loadId: string, firstLine: number, errors: LineError[]) {
  if (errors.length === 0) return;
  const before = await deps.loads.lineErrorsBefore(tenantId, loadId, firstLine);
  const { kept, keptThrough } = lineErrorsToKeep(errors, { firstLine, storedBefore: before.count });
  await deps.chunks.putLineErrors(tenantId, loadId, kept);
  if (keptThrough !== undefined && (before.keptThrough === undefined || keptThrough < before.keptThrough)) {
    await deps.chunks.lineErrorsKeptThrough(tenantId, loadId, keptThrough);
  }
}

/** Step 3: every batch has run; the load ends `completed`, `completed with errors`, or `failed` if lines went unaccounted. */
export async function finishLoad(deps: BulkStepDependencies, tenantId: string, loadId: string): Promise<BulkLoad | undefined> {
  const load = await deps.loads.get(tenantId, loadId);
  if (load?.status !== 'loading') return load;
  const end = loadEnd(load);
  if (end.status !== 'failed') {
    return (
      (await deps.loads.complete(tenantId, loadId, end.status, deps.actions.clock().toISOString())) ?? deps.loads.get(tenantId, loadId)
    );
  }
  await failLoad(deps, tenantId, loadId, end.message);
  return deps.loads.get(tenantId, loadId);
}

/** The file could not be loaded at all: the load ends `failed` with the message. */
export async function failLoad(deps: BulkStepDependencies, tenantId: string, loadId: string, message: string): Promise<void> {
  await deps.loads.fail(tenantId, loadId, message, deps.actions.clock().toISOString());
  deps.actions.count(METRIC.bulkLoadsFailed);
}
