import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { LINE_ERRORS_KEPT } from '../../lambdas/domain/bulk-load.ts';
import { finishLoad, loadChunk } from '../../lambdas/use-cases/bulk-load-steps.ts';
import { bulkStepsOnDynamoDbLocal } from '../support/bulk-steps.ts';

const { client, tables, loads, deps, startedLoad } = bulkStepsOnDynamoDbLocal();

describe('the line errors a bulk load keeps, on DynamoDB Local', () => {
  it('keeps the first 1,000 line errors of a load whose lines all fail, whatever order its batches run in, and counts every one', async () => {
    const keptOf = async (loadId: string) =>
      (
        await client.send(
          new ScanCommand({
            TableName: tables.tableName,
            FilterExpression: 'begins_with(pk, :line)',
            ExpressionAttributeValues: { ':line': `bulk-a#bulkload#${loadId}#line#` },
            Select: 'COUNT',
          }),
        )
      ).Count ?? 0;
    const batch = { maxLines: 100, maxBytes: 1024 * 1024 };
    const text = Array.from({ length: 2_500 }, (_, i) => `{"bad ${i}"`).join('\n');

    // In line order, 4 at a time, as the runners take them: the first 4 batches know of no other and keep
    // theirs (400), the next ones keep what may still be among the first 1,000; once a batch knows the
    // first 1,000 are stored it records through which line, and the batches after it store nothing.
    const inOrder = await startedLoad('bulk-a', text, { batch });
    const queue = [...inOrder.file.batches];
    const worker = async () => {
      for (let range = queue.shift(); range; range = queue.shift())
        await loadChunk(deps({ batch }), inOrder.file, 'bulk-a', inOrder.id, range);
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const done = await finishLoad(deps(), 'bulk-a', inOrder.id);
    expect(done).toMatchObject({ status: 'completed with errors', lines: 2_500, loaded: 0, failed: 2_500 });
    const first = await loads.lineErrors('bulk-a', inOrder.id, { afterLine: 0, limit: LINE_ERRORS_KEPT + 1 });
    expect(first.slice(0, LINE_ERRORS_KEPT).map((error) => error.line)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
    expect(await keptOf(inOrder.id)).toBeLessThanOrEqual(LINE_ERRORS_KEPT + 4 * 100);
    expect(await loads.lineErrorsBefore('bulk-a', inOrder.id, 401)).toEqual({ count: 400, keptThrough: expect.any(Number) });
    expect((await loads.lineErrorsBefore('bulk-a', inOrder.id, 2_000)).count).toBe(LINE_ERRORS_KEPT);

    // Last batch first, all at once: nothing lets a batch leave its errors out, and the first are exact.
    const reversed = await startedLoad('bulk-a', text.split('\n').slice(0, 1_300).join('\n'), { batch });
    for (const range of [...reversed.file.batches].reverse()) await loadChunk(deps({ batch }), reversed.file, 'bulk-a', reversed.id, range);
    expect(await finishLoad(deps(), 'bulk-a', reversed.id)).toMatchObject({ lines: 1_300, failed: 1_300 });
    const again = await loads.lineErrors('bulk-a', reversed.id, { afterLine: 0, limit: LINE_ERRORS_KEPT });
    expect(again.map((error) => error.line)).toEqual(Array.from({ length: 1_000 }, (_, i) => i + 1));
  }, 60_000);
});
