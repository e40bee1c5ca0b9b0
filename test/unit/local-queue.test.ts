import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../lib/local/processing/local-queue.ts';
import { QueueEventSource } from '../../lib/local/processing/queue-event-source.ts';
import { TaskTokens } from '../../lib/local/processing/task-tokens.ts';
import { dispatcherFor, processingFrom, workerFrom } from '../../lib/local/processing/workers.ts';
import { pollUntil } from '../support/poll.ts';

function queueAt(start = 0, maxReceives = 3) {
  let now = start;
  const queue = new LocalQueue({ visibilityTimeoutMs: 1_000, maxReceives, now: () => now });
  return { queue, advance: (ms: number) => (now += ms) };
}

describe('the local queue of starts, as SQS keeps a standard queue with a redrive policy', () => {
  it('delivers after the delay, hides a received message for the visibility timeout, and delivers it again unless deleted', () => {
    const { queue, advance } = queueAt();
    queue.send('later', { delaySeconds: 2 });
    const id = queue.send('now');
    const [first] = queue.receive(10);
    expect(first).toMatchObject({ messageId: id, body: 'now', receives: 1 });
    expect(queue.receive(10)).toEqual([]);
    advance(1_000);
    const [again] = queue.receive(10);
    expect(again).toMatchObject({ messageId: id, receives: 2 });
    // The first receive's handle is no longer current: deleting with it deletes nothing.
    queue.delete(id, first?.receipt as string);
    advance(1_000);
    const both = queue.receive(10);
    expect(both.map((message) => message.body).sort()).toEqual(['later', 'now']);
    for (const message of both) queue.delete(message.messageId, message.receipt as string);
    expect(queue.depth()).toEqual({ waiting: 0, deadLetters: 0 });
  });

  it('moves a message received maxReceiveCount times to the dead letters at its next receive', () => {
    const { queue, advance } = queueAt(0, 2);
    queue.send('poison');
    expect(queue.receive(1)).toHaveLength(1);
    advance(1_000);
    expect(queue.receive(1)).toHaveLength(1);
    advance(1_000);
    expect(queue.receive(1)).toEqual([]);
    expect(queue.depth()).toEqual({ waiting: 0, deadLetters: 1 });
    expect(queue.deadLetters[0]?.body).toBe('poison');
  });

  it("serves the message groups (tenants) in turn: a tenant's backlog never delays another's first start", () => {
    const { queue } = queueAt();
    for (let i = 0; i < 50; i += 1) queue.send(`busy-${i}`, { groupId: 'busy' });
    queue.send('calm-0', { groupId: 'calm' });
    const firstBatch = queue.receive(4).map((message) => message.body);
    expect(firstBatch).toContain('calm-0');
    expect(firstBatch.filter((body) => body.startsWith('busy'))).toHaveLength(3);
  });
});

describe('the local event source of the queue', () => {
  it('deletes what the function took and leaves the batch item failures, and a whole failed batch, for redelivery', async () => {
    const queue = new LocalQueue({ visibilityTimeoutMs: 60_000, maxReceives: 5 });
    const invoked: string[][] = [];
    const source = new QueueEventSource({
      queue,
      queueArn: 'arn:aws:sqs:local:000000000000:starts',
      functionName: 'consumer',
      timeoutMs: 5_000,
      batchSize: 10,
      maxConcurrency: 1,
      handler: async (event) => {
        const bodies = event.Records.map((record) => record.body);
        invoked.push(bodies);
        if (bodies.includes('throw')) throw new Error('the function failed');
        // An identifier not of the batch: Lambda reads the batch as failed whole.
        if (bodies.includes('unknown id')) return { batchItemFailures: [{ itemIdentifier: 'not-a-message-of-this-batch' }] };
        return {
          batchItemFailures: event.Records.filter((record) => record.body === 'again').map((record) => ({
            itemIdentifier: record.messageId,
          })),
        };
      },
    });
    try {
      queue.send('done');
      queue.send('again');
      await pollUntil(() => queue.depth().waiting === 1, { what: 'The batch handled', timeoutMs: 5_000 });
      queue.send('throw');
      await pollUntil(() => invoked.length === 2, { what: 'The second batch handled', timeoutMs: 5_000 });
      expect(invoked[0]?.sort()).toEqual(['again', 'done']);
      expect(invoked[1]).toEqual(['throw']);
      await pollUntil(() => queue.depth().waiting === 2, { what: 'The failed batch kept', timeoutMs: 5_000 });
      queue.send('unknown id');
      await pollUntil(() => invoked.length === 3, { what: 'The third batch handled', timeoutMs: 5_000 });
      await pollUntil(() => queue.depth().waiting === 3, { what: 'The batch answered with an unknown id kept', timeoutMs: 5_000 });
    } finally {
      await source.stop();
    }
  });
});

describe('the local workers and task tokens', () => {
  it('the built-in worker completes each action after its delay; a token answers once', async () => {
    const tokens = new TaskTokens();
    const dispatch = dispatcherFor({ kind: 'built-in', delayMs: 10 }, tokens);
    const { token, outcome } = tokens.issue(60_000);
    dispatch({ detail: { taskToken: token } } as Parameters<typeof dispatch>[0]);
    expect(await outcome).toEqual({ output: { status: 'completed' } });
    expect(() => tokens.succeed(token, '{}')).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
    expect(() => tokens.succeed('never-issued', '{}')).toThrow(expect.objectContaining({ code: 'InvalidToken' }));
  });

  it('a task not answered in time fails with States.Timeout, and its token is TaskTimedOut', async () => {
    const tokens = new TaskTokens();
    const { token, outcome } = tokens.issue(10);
    expect(await outcome).toEqual({ failure: { Error: 'States.Timeout' } });
    expect(() => tokens.fail(token, 'Late', undefined)).toThrow(expect.objectContaining({ code: 'TaskTimedOut' }));
    expect(() => tokens.succeed('x'.repeat(2_000), '{}')).toThrow(expect.objectContaining({ code: 'InvalidToken' }));
    const other = tokens.issue(60_000);
    expect(() => tokens.succeed(other.token, 'not json')).toThrow(expect.objectContaining({ code: 'InvalidOutput' }));
    tokens.abandonAll();
  });

  it('reads its settings from LOCAL_WORKER, LOCAL_WORKER_DELAY_MS and PROCESSING_TIMEOUT_SECONDS, refusing what they cannot mean', () => {
    expect(processingFrom({})).toEqual({ worker: { kind: 'built-in', delayMs: 1_000 }, timeoutMs: 86_400_000 });
    expect(processingFrom({ LOCAL_WORKER: 'none', PROCESSING_TIMEOUT_SECONDS: '30' })).toEqual({
      worker: { kind: 'none' },
      timeoutMs: 30_000,
    });
    expect(workerFrom('http://127.0.0.1:4000/work', undefined)).toEqual({ kind: 'url', url: 'http://127.0.0.1:4000/work' });
    expect(() => workerFrom('ftp://x', undefined)).toThrow(/LOCAL_WORKER/);
    expect(() => workerFrom(undefined, '-1')).toThrow(/LOCAL_WORKER_DELAY_MS/);
    expect(() => processingFrom({ PROCESSING_TIMEOUT_SECONDS: '0' })).toThrow(/PROCESSING_TIMEOUT_SECONDS/);
  });
});
