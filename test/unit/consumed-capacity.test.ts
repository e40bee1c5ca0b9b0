import { InvokeStore } from '@aws/lambda-invoke-store';
import { describe, expect, it } from 'vitest';
import { consumedUnits, startTally, tallyConsumedCapacity } from '../../lambdas/consumed-capacity.ts';

describe("an invocation's tally of the capacity its storage calls consumed", () => {
  it('adds up read and write units from the start of the invocation, in a process serving one at a time', () => {
    startTally();
    tallyConsumedCapacity('read', 0.5);
    tallyConsumedCapacity('write', 3);
    tallyConsumedCapacity('read', 1.5);
    expect(consumedUnits()).toEqual({ consumedReadUnits: 2, consumedWriteUnits: 3 });
    startTally();
    expect(consumedUnits()).toEqual({ consumedReadUnits: 0, consumedWriteUnits: 0 });
  });

  it('keeps the tallies of invocations that run at once apart, each in its InvokeStore context (as the local gateway runs them)', async () => {
    const store = await InvokeStore.getInstanceAsync(true);
    const invocation = (id: string, units: number) =>
      store.run({ [Symbol.for('_AWS_LAMBDA_REQUEST_ID')]: id }, async () => {
        startTally();
        for (let call = 0; call < 3; call++) {
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
          tallyConsumedCapacity('write', units);
        }
        return consumedUnits();
      });
    const tallies = await Promise.all([invocation('a', 1), invocation('b', 10), invocation('c', 100)]);
    expect(tallies.map((tally) => tally.consumedWriteUnits)).toEqual([3, 30, 300]);
  });
});
