import { describe, expect, it } from 'vitest';
import { LINE_ERRORS_KEPT } from '../../lambdas/domain/bulk-load.ts';
import type { LineRange } from '../../lambdas/domain/ndjson-lines.ts';
import { DynamoDbBulkChunks } from '../../lambdas/adapters/dynamodb/dynamodb-bulk-chunks.ts';
import { finishLoad, giveUpChunk, loadChunk, readThrough } from '../../lambdas/use-cases/bulk-load-steps.ts';
import { createBillingRunAction } from '../../lambdas/use-cases/create-billing-run-action.ts';
import { awaitingLoad, caller, uniqueName } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { bulkStepsOnDynamoDbLocal } from '../support/bulk-steps.ts';

const { loads, chunks, actions, deps, memoryFile, startedLoad, line, recordsOf, countOf } = bulkStepsOnDynamoDbLocal();

describe('bulk load steps against DynamoDB Local', () => {
  it('loads every valid line once, with physical line numbers, and reports each bad one as create would', async () => {
    const text = [
      line({ name: 'one' }),
      '',
      line({ status: 'bogus' }),
      '{not json',
      `  ${line({ name: 'five' })}\r`,
      '   ',
      line({ id: 'x' }),
    ].join('\n');
    const { id, file, load } = await startedLoad('bulk-a', text);
    expect(load).toMatchObject({ status: 'loading', lines: 5 });
    for (const range of file.batches) await loadChunk(deps(), file, 'bulk-a', id, range);
    const finished = await finishLoad(deps(), 'bulk-a', id);
    expect(finished).toMatchObject({ status: 'completed with errors', lines: 5, loaded: 2, failed: 3 });

    const errors = await loads.lineErrors('bulk-a', id, { afterLine: 0, limit: LINE_ERRORS_KEPT });
    expect(errors.map((error) => error.line)).toEqual([3, 4, 7]);
    const asCreate = await createBillingRunAction(actions, caller({ tenantId: 'bulk-a' }), { body: validBody({ status: 'bogus' }) }).catch(
      (error: Error & { details?: unknown }) => ({ message: error.message, details: error.details }),
    );
    expect(errors[0]).toEqual({ line: 3, ...asCreate });
    expect(errors[1]).toEqual({ line: 4, message: 'Request body is not valid JSON' });
    expect(errors[2]?.details).toEqual([{ path: 'id', message: 'is assigned by the service; do not send it on create' }]);

    const records = (await recordsOf(id)).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(records.map((record) => [record.name, record.sys_bulk_load_record_no])).toEqual([
      ['one', 1],
      ['five', 5],
    ]);
    expect(records[0]).toMatchObject({
      sys_version: 1,
      sys_bulk_load_source_file: 'run.ndjson',
      sys_bulk_load_pk: `bulk-a#${id}`,
      sys_bulk_load_at: load?.started_at,
      sys_created_by_id: 'loader',
    });
  });

  it('loads no line twice and counts none twice when batches run again, one after another or at once', async () => {
    const before = (await countOf('bulk-a')) ?? 0;
    const text = Array.from({ length: 35 }, (_, i) => line({ name: `line ${i + 1}` })).join('\n');
    const { id, file } = await startedLoad('bulk-a', text);
    for (const range of file.batches) await loadChunk(deps(), file, 'bulk-a', id, range);
    await Promise.all(file.batches.map((range) => loadChunk(deps(), file, 'bulk-a', id, range)));
    expect(await finishLoad(deps(), 'bulk-a', id)).toMatchObject({ status: 'completed', loaded: 35, failed: 0 });
    expect(await recordsOf(id)).toHaveLength(35);
    expect(await countOf('bulk-a')).toBe(before + 35);
  });

  it('finishes a batch that crashed half way through its writes exactly once when it runs again', async () => {
    const before = (await countOf('bulk-a')) ?? 0;
    const text = Array.from({ length: 10 }, (_, i) => line({ name: `crash ${i + 1}` })).join('\n');
    const crashing = Object.create(chunks) as DynamoDbBulkChunks;
    crashing.putRecords = async (tenantId, records, options) => {
      await chunks.putRecords(tenantId, records.slice(0, 4), options);
      throw new Error('the function timed out');
    };
    const { id, file } = await startedLoad('bulk-a', text);
    const [range] = file.batches as [LineRange];
    await expect(loadChunk(deps({ chunks: crashing }), file, 'bulk-a', id, range)).rejects.toThrow('timed out');
    expect(await recordsOf(id)).toHaveLength(4);
    expect(await loadChunk(deps(), file, 'bulk-a', id, range)).toEqual({ loaded: 10, failed: 0 });
    expect(await finishLoad(deps(), 'bulk-a', id)).toMatchObject({ status: 'completed', loaded: 10 });
    expect(await recordsOf(id)).toHaveLength(10);
    expect(await countOf('bulk-a')).toBe(before + 10);
  });

  it('gives up a batch that failed after writing part of it: what was written counts, the rest are line errors, the room comes back', async () => {
    const before = (await countOf('bulk-a')) ?? 0;
    const text = [...Array.from({ length: 9 }, (_, i) => line({ name: `give up ${i + 1}` })), '{bad'].join('\n');
    const failing = Object.create(chunks) as DynamoDbBulkChunks;
    failing.putRecords = async (tenantId, records, options) => {
      await chunks.putRecords(tenantId, records.slice(0, 4), options);
      throw Object.assign(new Error('Item size has exceeded the maximum allowed size'), { name: 'ValidationException' });
    };
    const { id, file } = await startedLoad('bulk-a', text);
    const [range] = file.batches as [LineRange];
    await expect(loadChunk(deps({ chunks: failing }), file, 'bulk-a', id, range)).rejects.toThrow('maximum');
    expect(await countOf('bulk-a')).toBe(before + 9);
    expect(await giveUpChunk(deps(), file, 'bulk-a', id, range, 'ValidationException')).toEqual({ loaded: 4, failed: 6 });
    // Given up once, it counts once: a late retry or a second give-up changes nothing.
    expect(await giveUpChunk(deps(), file, 'bulk-a', id, range, 'ValidationException')).toEqual({ loaded: 0, failed: 0 });
    expect(await loadChunk(deps(), file, 'bulk-a', id, range)).toEqual({ loaded: 0, failed: 0 });
    expect(await finishLoad(deps(), 'bulk-a', id)).toMatchObject({ status: 'completed with errors', lines: 10, loaded: 4, failed: 6 });
    expect(await recordsOf(id)).toHaveLength(4);
    expect(await countOf('bulk-a')).toBe(before + 4);
    const errors = await loads.lineErrors('bulk-a', id, { afterLine: 0, limit: LINE_ERRORS_KEPT });
    expect(errors.map((error) => error.line)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(errors[0]?.message).toBe('Not loaded: lines 1 to 10 failed to load (ValidationException); send this line again in a new load');
    expect(errors[5]?.message).toBe('Request body is not valid JSON');
  });

  it('gives up a batch that failed before it reserved any room: every valid line is an error, nothing is counted', async () => {
    const before = (await countOf('bulk-a')) ?? 0;
    const text = Array.from({ length: 3 }, (_, i) => line({ name: `never ${i + 1}` })).join('\n');
    const { id, file } = await startedLoad('bulk-a', text);
    const [range] = file.batches as [LineRange];
    expect(await giveUpChunk(deps(), file, 'bulk-a', id, range, 'ThrottlingException')).toEqual({ loaded: 0, failed: 3 });
    expect(await finishLoad(deps(), 'bulk-a', id)).toMatchObject({ status: 'completed with errors', loaded: 0, failed: 3 });
    expect(await countOf('bulk-a')).toBe(before);
  });

  it('cuts a file into the batches its load began with, whatever the settings when a step runs again', async () => {
    const text = Array.from({ length: 30 }, (_, i) => line({ name: `fixed ${i + 1}` })).join('\n');
    const id = uniqueName('load');
    await loads.create('bulk-a', awaitingLoad(id, 'run.ndjson'));
    // A first run claimed the upload with batches of 10 lines, then stopped before it stored the line count.
    await loads.beginLoading('bulk-a', id, new Date().toISOString(), 'memory', { maxLines: 10, maxBytes: 1024 * 1024 });
    const file = memoryFile(text);
    const load = await readThrough(deps({ batch: { maxLines: 7, maxBytes: 1024 * 1024 } }), file, 'bulk-a', id);
    expect(load).toMatchObject({ status: 'loading', lines: 30 });
    expect(file.batches.map((range) => range.lines)).toEqual([10, 10, 10]);
    // Once the line count is stored, the batches are written: a step that runs again reads nothing.
    const again = memoryFile(text);
    expect(await readThrough(deps({ batch: { maxLines: 3, maxBytes: 1024 * 1024 } }), again, 'bulk-a', id)).toMatchObject({ lines: 30 });
    expect(again.batches).toEqual([]);
    expect(load).not.toHaveProperty('batch_lines');
  });

  it('holds the tenant record limit exactly under concurrent batches: the lines past the room fail with the limit message', async () => {
    const text = Array.from({ length: 120 }, (_, i) => line({ name: `limit ${i + 1}` })).join('\n');
    const { id, file } = await startedLoad('bulk-small', text);
    expect(file.batches).toHaveLength(12);
    await Promise.all(file.batches.map((range) => loadChunk(deps(), file, 'bulk-small', id, range)));
    expect(await finishLoad(deps(), 'bulk-small', id)).toMatchObject({ status: 'completed with errors', loaded: 50, failed: 70 });
    expect(await recordsOf(id)).toHaveLength(50);
    expect(await countOf('bulk-small')).toBe(50);
    const errors = await loads.lineErrors('bulk-small', id, { afterLine: 0, limit: LINE_ERRORS_KEPT });
    expect(errors).toHaveLength(70);
    expect(new Set(errors.map((error) => error.message))).toEqual(
      new Set(["Tenant 'bulk-small' has reached its limit of 50 billing run actions; delete some to make room"]),
    );
  });

  it('starts processing for the lines in processing, once per record however often their batch runs', async () => {
    const started: string[] = [];
    const processing = {
      executionArnFor: (name: string) => `arn:aws:states:eu-west-1:123456789012:execution:processor:${name}`,
      owns: (arn: string) => arn.startsWith('arn:aws:states:eu-west-1:123456789012:execution:processor:'),
      // Step Functions runs one execution per name, as the real starter relies on.
      start: async (name: string) => void (started.includes(name) || started.push(name)),
    };
    const withProcessing = deps({ actions: { ...actions, processing } });
    const text = [line({ status: 'processing' }), line(), line({ status: 'processing' })].join('\n');
    const { id, file } = await startedLoad('bulk-a', text, withProcessing);
    for (let run = 0; run < 2; run++) for (const range of file.batches) await loadChunk(withProcessing, file, 'bulk-a', id, range);
    const records = await recordsOf(id);
    const inProcessing = records.filter((record) => record.status === 'processing');
    expect(inProcessing).toHaveLength(2);
    expect(started).toHaveLength(2);
    for (const record of inProcessing)
      expect(started.map((name) => processing.executionArnFor(name))).toContain(record.step_function_execution_arn);
  });

  it('fails a load whose file holds no lines, and takes no other upload once one is claimed', async () => {
    const { id, load } = await startedLoad('bulk-a', '\n  \n\r\n');
    expect(load).toMatchObject({ status: 'failed', message: 'The uploaded file holds no lines' });
    expect(await readThrough(deps(), memoryFile(line()), 'bulk-a', id)).toBeUndefined();

    const second = await startedLoad('bulk-a', line());
    const again = await readThrough(deps(), memoryFile(line()), 'bulk-a', second.id);
    expect(again).toMatchObject({ status: 'loading', lines: 1, started_at: second.load?.started_at });
    expect(await readThrough(deps(), { ...memoryFile(line()), version: 'another' }, 'bulk-a', second.id)).toBeUndefined();
  });
});
