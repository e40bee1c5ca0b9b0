import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BACKGROUND_SLOTS, InteractiveFirst } from '../../lib/local/capacity/interactive-first.ts';

/*
 * The order in which the capacity emulator lets calls into the laptop's one DynamoDB: the API's at
 * once, the bulk runner's in a few slots, one while the API is busy (lib/local/capacity/interactive-first.ts).
 */
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Background calls asked for, and which of them are in (their `done` once let in). */
function background(order: InteractiveFirst, count: number) {
  const done: (() => void)[] = [];
  const calls = Array.from({ length: count }, () => order.enter('background').then((leave) => done.push(leave)));
  return { done, all: Promise.all(calls) };
}

describe('interactive before background', () => {
  it(`lets ${BACKGROUND_SLOTS} background calls in at once while the API is quiet, the rest in turn as they end`, async () => {
    const order = new InteractiveFirst();
    const calls = background(order, BACKGROUND_SLOTS + 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.done).toHaveLength(BACKGROUND_SLOTS);
    calls.done[0]?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.done).toHaveLength(BACKGROUND_SLOTS + 1);
    expect(order.report().backgroundWaited).toBe(2);
  });

  it('never holds an API call, and lets one background call in at a time while the API is busy and for a second after', async () => {
    const order = new InteractiveFirst();
    const apiCall = await order.enter('interactive');
    const calls = background(order, 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.done).toHaveLength(1);
    // A second API call goes in beside the one background call at once.
    const second = await order.enter('interactive');
    second();
    apiCall();
    calls.done[0]?.();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.done).toHaveLength(2);
    // Still one at a time until the API has been quiet for a second, then the slots are given back.
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.done).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.done).toHaveLength(3);
    await calls.all;
    expect(order.report()).toEqual({ backgroundWaited: 2, mostBackgroundBesideInteractive: 1 });
  });

  it('reports how many background calls were in DynamoDB when an API call went in', async () => {
    const order = new InteractiveFirst();
    const calls = background(order, BACKGROUND_SLOTS);
    await vi.advanceTimersByTimeAsync(0);
    (await order.enter('interactive'))();
    for (const done of calls.done) done();
    expect(order.report().mostBackgroundBesideInteractive).toBe(BACKGROUND_SLOTS);
  });
});
