/** A figure as docs/capacity.md gives it: en-US thousands separators, a fixed number of decimals. */
export const shown = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
