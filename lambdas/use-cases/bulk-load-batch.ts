import { type BulkLoad, type LineError, lineRecordId } from '../domain/bulk-load.ts';
import type { Caller } from '../domain/caller.ts';
import { ServiceError } from '../domain/errors.ts';
import { MAX_BODY_BYTES, bodyTooLarge, notUtf8, parseJsonBody } from '../domain/json-body.ts';
import { type FileLine, type LineRange, fileLines } from '../domain/ndjson-lines.ts';
import { newRecord } from '../domain/record-stamp.ts';
import type { UploadedFile } from '../ports/bulk-load-files.ts';
import type { StorableRecord } from '../ports/bulk-load-store.ts';
import type { BulkRunDependencies } from './dependencies.ts';
import { assignExecution } from './processing-starts.ts';
import { createBodyFields } from './shared/create-body.ts';

/*
 * A batch of a bulk load's lines, read (again) into the records its valid lines become and the line
 * errors of the others: what the load and the give-up of a batch (bulk-load-steps.ts) both start from.
 */

/** The operation name a loaded record's security context carries. */
const BULK_OPERATION = 'bulkLoad';

type LineOutcome = { line: number; record: StorableRecord } | { line: number; error: LineError };

/** One line, read exactly as a create body would be: the record it becomes, or the error create would answer. */
function lineOutcome(deps: BulkRunDependencies, load: BulkLoad, caller: Caller, fileLine: FileLine, at: string): LineOutcome {
  const { line } = fileLine;
  const { tenantId } = caller;
  try {
    if (fileLine.unreadable === 'too long') throw bodyTooLarge(fileLine.end - fileLine.start);
    if (fileLine.unreadable === 'not UTF-8') throw notUtf8();
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
    // Converted once, with its execution assigned: the batch writes this very item.
    const storable = deps.chunks.storable(tenantId, assignExecution(deps.actions, tenantId, undefined, record));
    if (storable instanceof ServiceError) return { line, error: { line, message: storable.message } };
    return { line, record: storable };
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { line, error: { line, message: error.message, ...(error.details && { details: error.details }) } };
  }
}

/** Who the load's records are written as: the caller that started the load. */
function callerOf(load: BulkLoad, tenantId: string): Caller {
  return {
    principal: load.created_by.principal,
    tenantId,
    sourceIp: load.created_by.source_ip,
    userAgent: load.created_by.user_agent,
    requestId: load.created_by.request_id,
  };
}

/** A batch's lines read again: the records its valid lines become (in line order) and the errors of the others. */
async function batchOutcomes(
  deps: BulkRunDependencies,
  file: UploadedFile,
  load: BulkLoad,
  caller: Caller,
  range: LineRange,
): Promise<{ records: StorableRecord[]; errors: LineError[] }> {
  const at = deps.actions.clock().toISOString();
  const records: StorableRecord[] = [];
  const errors: LineError[] = [];
  for await (const fileLine of fileLines(file.read(range), MAX_BODY_BYTES, { offset: range.start, line: range.first })) {
    const outcome = lineOutcome(deps, load, caller, fileLine, at);
    if ('record' in outcome) records.push(outcome.record);
    else errors.push(outcome.error);
  }
  return { records, errors };
}

/**
 * A batch to work on, whatever an earlier attempt left: its bookkeeping (undefined before its first
 * reservation), the caller its records are written as (the one that started the load), and its lines
 * read again into records and line errors. Undefined when there is nothing to do: the batch is done,
 * or the load is no longer loading.
 */
export async function openBatch(deps: BulkRunDependencies, file: UploadedFile, tenantId: string, loadId: string, range: LineRange) {
  const earlier = await deps.chunks.chunk(tenantId, loadId, range.first);
  if (earlier?.done) return undefined;
  const load = await deps.loads.get(tenantId, loadId);
  if (load?.status !== 'loading') return undefined;
  const caller = callerOf(load, tenantId);
  return { earlier, caller, ...(await batchOutcomes(deps, file, load, caller, range)) };
}

/** The records past the room a batch was granted: each an error with the refusal. */
export const refusedLines = (records: StorableRecord[], refusal: string | undefined): LineError[] =>
  records.map(({ record }) => ({ line: record.sys_bulk_load_record_no as number, message: refusal ?? 'The tenant has no room left' }));
