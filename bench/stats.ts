/** One figure of bench/results.json: its value, the bar it must meet, and the baseline it was measured against. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  bar: string;
  baseline: number;
  details: Record<string, unknown>;
}

export const started = Date.now();
export const log = (message: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The value below which `share` of the values lie (nearest rank). */
export function quantile(values: number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] as number;
}

export const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** A figure the spec only asks to be reported has the bar `reported`. */
export const REPORTED = 'reported';

const met = (figure: Figure): string => {
  if (figure.bar === REPORTED) return '-';
  const [operator, limit] = figure.bar.split(' ') as [string, string];
  return (operator === '<=' ? figure.value <= Number(limit) : figure.value >= Number(limit)) ? 'yes' : 'NO';
};

/** The figures as a table: each with its value, bar and baseline, and whether it meets its bar (`-`: reported, no bar). */
export function printFigures(figures: Figure[]): void {
  console.log(`\n${'figure'.padEnd(32)} ${'value'.padStart(10)} ${'unit'.padEnd(6)} ${'bar'.padEnd(8)} ${'baseline'.padStart(10)}  ok`);
  for (const figure of figures) {
    console.log(
      `${figure.name.padEnd(32)} ${String(figure.value).padStart(10)} ${figure.unit.padEnd(6)} ${figure.bar.padEnd(8)} ${String(figure.baseline).padStart(10)}  ${met(figure)}`,
    );
  }
}
