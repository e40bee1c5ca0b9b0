import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './bundles.ts';
import { type Figure, log, median, round } from './stats.ts';

/** What one run of bench/in-process-child.ts measures (the SDK mocked, nothing else on the event loop). */
export interface InProcessRun {
  warmMicroseconds: Record<string, number>;
  warmOverheadMicroseconds: Record<string, number>;
  batch: { singlePatchMs: number; batch100Ms: number; latencyMs: number };
}

export function inProcessRun(when: string): Promise<InProcessRun> {
  log(`warm overhead and batch (${when}), in a child process with the SDK mocked`);
  return new Promise((resolve, reject) => {
    // Logging and metrics as in AWS, whatever this process set for its own in-process parts; and no
    // AWS_LAMBDA_MAX_CONCURRENCY (the local gateway's invocations set it where they run: Powertools then
    // wants an InvokeStore, which this child, calling handlers bare, has none of).
    const {
      POWERTOOLS_LOG_LEVEL: _level,
      POWERTOOLS_METRICS_DISABLED: _metrics,
      AWS_LAMBDA_MAX_CONCURRENCY: _concurrency,
      ...env
    } = process.env;
    const child = fork(join(ROOT, 'bench/in-process-child.ts'), { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
    child.once('message', (message) => resolve(message as InProcessRun));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`in-process bench exited with ${code}`))));
  });
}

/**
 * The in-process figures of several runs taken at different moments of the bench: each figure is the
 * median of the runs' values, so a stretch of minutes in which the machine runs slow (this one's
 * bare handler then takes half as long again) does not decide it. Every run's value is kept.
 */
export function inProcessFigures(runs: InProcessRun[]): Figure[] {
  const bare = median(runs.map((run) => run.warmMicroseconds.bare as number));
  const figures: Figure[] = (
    [
      ['get', 50],
      ['update', 200],
    ] as const
  ).map(([operation, bar]) => {
    const overheads = runs.map((run) => run.warmOverheadMicroseconds[operation] as number);
    return {
      name: `warm_${operation}_overhead_us`,
      // Each run's value is the median over 40 rounds of the round's difference (bench/in-process-child.ts).
      value: round(median(overheads), 1),
      unit: 'us',
      bar: `<= ${bar}`,
      baseline: round(bare, 1),
      details: {
        runs: runs.map((run) => ({
          overhead_us: round(run.warmOverheadMicroseconds[operation] as number, 1),
          bare_us: round(run.warmMicroseconds.bare as number, 1),
          [`${operation}_us`]: round(run.warmMicroseconds[operation] as number, 1),
        })),
        rounds: 40,
        calls_per_round: 500,
      },
    };
  });
  const ratios = runs.map((run) => run.batch.batch100Ms / run.batch.singlePatchMs);
  const single = median(runs.map((run) => run.batch.singlePatchMs));
  figures.push({
    name: 'batch100_vs_single_patch_ratio',
    value: round(median(ratios)),
    unit: 'ratio',
    bar: '<= 4',
    baseline: round(single),
    details: {
      stand_in_latency_ms: runs[0]?.batch.latencyMs,
      runs: runs.map((run) => ({ single_patch_ms: round(run.batch.singlePatchMs), batch100_ms: round(run.batch.batch100Ms) })),
    },
  });
  return figures;
}
