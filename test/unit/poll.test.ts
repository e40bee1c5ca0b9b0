import { describe, expect, it } from 'vitest';
import { pollUntil } from '../support/poll.ts';

describe('pollUntil, the one polling loop of the tests', () => {
  it('reads until the value is the one waited for (by default a truthy one), and answers it', async () => {
    let reads = 0;
    expect(await pollUntil(() => ++reads, { what: 'A third read', timeoutMs: 1_000, intervalMs: 1, until: (n) => n >= 3 })).toBe(3);
    expect(reads).toBe(3);
    expect(await pollUntil(() => (++reads >= 5 ? 'done' : ''), { what: 'A fifth read', timeoutMs: 1_000, intervalMs: 1 })).toBe('done');
    expect(reads).toBe(5);
  });

  it('fails past its timeout, naming what did not happen and the last value read', async () => {
    const started = Date.now();
    const loading = pollUntil(async () => ({ status: 'loading' }), {
      what: 'The end of load x',
      timeoutMs: 60,
      intervalMs: 10,
      until: (load) => load.status !== 'loading',
    });
    await expect(loading).rejects.toThrow("The end of load x did not happen within 60 ms; last seen: { status: 'loading' }");
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
