import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LINE_ERRORS_KEPT, type LineError, lineErrorsToKeep } from '../../lambdas/domain/bulk-load.ts';

/*
 * A load keeps its first LINE_ERRORS_KEPT line errors (domain/bulk-load.ts): each batch stores those of
 * its errors that may still be among them, from a count of the errors of earlier lines stored so far
 * (read from an eventually consistent index: it may lag, never overstate) and the line through which
 * the first lie, once a batch recorded it. Batches run at once and in any order. Modelled here: every
 * batch reads (a count that lags by any amount, the recorded line seen or not), then writes (its kept
 * errors, and the line it knows, unless a lower one was seen); reads and writes interleave arbitrarily.
 */
interface Batch {
  firstLine: number;
  errors: LineError[];
}

/** A file of batches of `size` lines; line n fails when `fails(n)`. */
function batchesOf(count: number, size: number, fails: (line: number) => boolean): Batch[] {
  return Array.from({ length: count }, (_, index) => {
    const firstLine = index * size + 1;
    const errors = Array.from({ length: size }, (_, offset) => firstLine + offset)
      .filter(fails)
      .map((line) => ({ line, message: `line ${line}` }));
    return { firstLine, errors };
  });
}

/** The store the batches share: the kept errors by line, and the line recorded. */
class Store {
  readonly kept = new Map<number, LineError>();
  through: number | undefined;

  /** What a batch at `firstLine` reads: the count of kept errors before it (up to the limit), lagging by `lag` (0..1), the recorded line if `seesThrough`. */
  read(firstLine: number, lag: number, seesThrough: boolean): { count: number; keptThrough?: number } {
    const through = seesThrough ? this.through : undefined;
    if (through !== undefined && through < firstLine) return { count: LINE_ERRORS_KEPT, keptThrough: through };
    const stored = Math.min(LINE_ERRORS_KEPT, [...this.kept.keys()].filter((line) => line < firstLine).length);
    const count = Math.floor(stored * (1 - lag));
    return through === undefined ? { count } : { count, keptThrough: through };
  }

  write(batch: Batch, seen: { count: number; keptThrough?: number }): void {
    const { kept, keptThrough } = lineErrorsToKeep(batch.errors, { firstLine: batch.firstLine, storedBefore: seen.count });
    for (const error of kept) this.kept.set(error.line, error);
    if (keptThrough !== undefined && (seen.keptThrough === undefined || keptThrough < seen.keptThrough)) {
      this.through = Math.min(this.through ?? Number.POSITIVE_INFINITY, keptThrough);
    }
  }

  /** What a read of the report answers: the first LINE_ERRORS_KEPT kept, in line order. */
  report(): number[] {
    return [...this.kept.keys()].sort((a, b) => a - b).slice(0, LINE_ERRORS_KEPT);
  }
}

const firstErrors = (batches: Batch[]) =>
  batches
    .flatMap((batch) => batch.errors.map((error) => error.line))
    .sort((a, b) => a - b)
    .slice(0, LINE_ERRORS_KEPT);

describe('the line errors a load keeps', () => {
  it('are, in any order of its batches and however late the count, a set whose first 1,000 are the load’s first 1,000', () => {
    const run = fc.record({
      batches: fc.integer({ min: 1, max: 14 }),
      size: fc.integer({ min: 1, max: 600 }),
      // Per batch, how many of its lines fail: none, some, or all.
      rates: fc.array(fc.constantFrom(0, 0.05, 0.5, 0.95, 1), { minLength: 14, maxLength: 14 }),
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      // Which batch takes its next step, one pick after another, and how each read lags.
      picks: fc.array(fc.nat(), { minLength: 28, maxLength: 28 }),
      lags: fc.array(fc.record({ lag: fc.constantFrom(0, 0, 0.3, 1), seesThrough: fc.boolean() }), { minLength: 14, maxLength: 14 }),
    });
    fc.assert(
      fc.property(run, ({ batches: count, size, rates, seed, picks, lags }) => {
        const fails = (line: number) => {
          const batch = Math.floor((line - 1) / size);
          const hash = Math.imul(line ^ seed, 2_654_435_761) >>> 0;
          return hash / 2 ** 32 < (rates[batch] as number);
        };
        const batches = batchesOf(count, size, fails);
        const store = new Store();
        const seen = new Map<number, { count: number; keptThrough?: number }>();
        const pending = batches.map((_, index) => index);
        for (const pick of picks) {
          if (pending.length === 0) break;
          const index = pending[pick % pending.length] as number;
          const batch = batches[index] as Batch;
          const read = seen.get(index);
          if (read === undefined) {
            const { lag, seesThrough } = lags[index] as { lag: number; seesThrough: boolean };
            seen.set(index, store.read(batch.firstLine, lag, seesThrough));
          } else {
            store.write(batch, read);
            pending.splice(pending.indexOf(index), 1);
          }
        }
        for (const index of pending) {
          const batch = batches[index] as Batch;
          store.write(batch, seen.get(index) ?? store.read(batch.firstLine, 0, true));
        }
        expect(store.report()).toEqual(firstErrors(batches));
        // A line recorded has the first 1,000 at or before it.
        if (store.through !== undefined)
          expect(firstErrors(batches).filter((line) => line <= (store.through as number))).toHaveLength(1_000);
      }),
      { numRuns: 300 },
    );
  });

  it('are about 1,000 more than the batches at once hold, for a load of lines that all fail taken in line order', () => {
    // The runners' order: batches start in line order, `atOnce` at a time, each reading at its start
    // and writing at its end. 1,000,000 lines in batches of 500, 20 at once (the stack's defaults).
    const batches = batchesOf(2_000, 500, () => true);
    const atOnce = 20;
    const store = new Store();
    const running: { batch: Batch; seen: { count: number; keptThrough?: number } }[] = [];
    for (const batch of batches) {
      if (running.length === atOnce) {
        const done = running.shift() as (typeof running)[number];
        store.write(done.batch, done.seen);
      }
      running.push({ batch, seen: store.read(batch.firstLine, 0, true) });
    }
    for (const { batch, seen } of running) store.write(batch, seen);
    expect(store.report()).toEqual(firstErrors(batches));
    // The first wave knows of no other (20 x 500); the 21st sees the first batch's 500 and keeps 500 more,
    // and records line 10,500: no batch after it reads the index or stores anything.
    expect(store.kept.size).toBe(10_500);
    expect(store.kept.size).toBeLessThanOrEqual(LINE_ERRORS_KEPT + atOnce * 500);
    expect(store.through).toBe(10_500);
  });
});
