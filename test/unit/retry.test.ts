import { describe, expect, it } from 'vitest';
import { RetriesExhausted, retrying } from '../../lambdas/retry.ts';

const schedule = { attempts: 4, baseMs: 1, capMs: 4 };

describe('retrying (the one retry helper)', () => {
  it('retries what it may until an attempt succeeds, numbering the attempts from 1', async () => {
    const seen: number[] = [];
    const result = await retrying(
      schedule,
      async (n) => {
        seen.push(n);
        if (n < 3) throw new Error('busy');
        return 'done';
      },
      () => true,
    );
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws RetriesExhausted with the last error once the schedule runs out', async () => {
    let calls = 0;
    const failed = await retrying(
      schedule,
      async () => {
        calls++;
        throw new Error(`busy ${calls}`);
      },
      () => true,
    ).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RetriesExhausted);
    expect((failed as RetriesExhausted).last).toMatchObject({ message: 'busy 4' });
    expect(calls).toBe(4);
  });

  it('throws any other error at once', async () => {
    let calls = 0;
    const refused = new Error('not found');
    await expect(
      retrying(
        schedule,
        async () => {
          calls++;
          throw refused;
        },
        (error) => error !== refused,
      ),
    ).rejects.toBe(refused);
    expect(calls).toBe(1);
  });

  it('stops before a wait that would end past its budget', async () => {
    let calls = 0;
    const failed = await retrying(
      { attempts: 1_000, baseMs: 50, capMs: 50, budgetMs: 1 },
      async () => {
        calls++;
        throw new Error('busy');
      },
      () => true,
    ).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RetriesExhausted);
    expect(calls).toBeLessThan(1_000);
  });

  it('makes no attempt after its signal aborts: the wait ends there, and the last error is thrown as RetriesExhausted, stopped', async () => {
    const controller = new AbortController();
    let calls = 0;
    const failed = await retrying(
      { attempts: 1_000, baseMs: 60_000, capMs: 60_000 },
      async () => {
        calls++;
        // The first attempt fails; its wait (up to a minute) is cut short when the deadline comes.
        setTimeout(() => controller.abort(), 20);
        throw new Error(`raced ${calls}`);
      },
      () => true,
      controller.signal,
    ).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RetriesExhausted);
    expect(failed).toMatchObject({ stopped: true, last: { message: 'raced 1' } });
    expect(calls).toBe(1);
  });

  it('still makes the first attempt with a signal already aborted (a call begun before its deadline runs once)', async () => {
    let calls = 0;
    const failed = await retrying(
      schedule,
      async () => {
        calls++;
        throw new Error('raced');
      },
      () => true,
      AbortSignal.abort(),
    ).catch((error: unknown) => error);
    expect(failed).toMatchObject({ stopped: true });
    expect(calls).toBe(1);
  });
});
