import { describe, expect, it } from 'vitest';
import { type FileLine, fileLines, lineRanges } from '../../lambdas/domain/ndjson-lines.ts';

async function* pieces(text: string | Buffer, size: number): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('fileLines', () => {
  it('numbers lines physically, skips blank ones, drops a CR, and reads a last line without a newline', async () => {
    for (const size of [1, 3, 64]) {
      const lines = await collect(fileLines(pieces('a\n\n  \r\nb\r\n{"c":1}', size), 100));
      expect(lines).toEqual([
        { line: 1, start: 0, end: 1, text: 'a' },
        { line: 4, start: 7, end: 9, text: 'b' },
        { line: 5, start: 10, end: 17, text: '{"c":1}' },
      ]);
    }
  });

  it('measures a line past the limit without holding it, and tells a line that is not UTF-8', async () => {
    const long = 'x'.repeat(1000);
    const bytes = Buffer.concat([Buffer.from(`ok\n${long}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from('end')]);
    const lines = await collect(fileLines(pieces(bytes, 16), 100));
    expect(lines).toEqual([
      { line: 1, start: 0, end: 2, text: 'ok' },
      { line: 2, start: 3, end: 1003, unreadable: 'too long' },
      { line: 3, start: 1004, end: 1006, unreadable: 'not UTF-8' },
      { line: 4, start: 1007, end: 1010, text: 'end' },
    ]);
  });

  it('starts at a given offset and line number, as a batch that reads its own range does', async () => {
    const lines = await collect(fileLines(pieces('q\n\nr', 2), 10, { offset: 500, line: 40 }));
    expect(lines.map((line) => [line.line, line.start, line.text])).toEqual([
      [40, 500, 'q'],
      [42, 503, 'r'],
    ]);
  });

  it('keeps memory flat on a 64 MB line with no line break', async () => {
    async function* endless(): AsyncGenerator<Uint8Array> {
      const block = Buffer.alloc(1024 * 1024, 0x61);
      for (let i = 0; i < 64; i++) yield block;
    }
    const before = process.memoryUsage().arrayBuffers;
    const lines = await collect(fileLines(endless(), 256 * 1024));
    expect(lines).toEqual([{ line: 1, start: 0, end: 64 * 1024 * 1024, unreadable: 'too long' }]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('lineRanges', () => {
  it('groups non-empty lines by count and by bytes, a longer line alone in its range', async () => {
    const lines: FileLine[] = [
      { line: 1, start: 0, end: 10, text: '' },
      { line: 3, start: 12, end: 20, text: '' },
      { line: 4, start: 21, end: 500, text: '' },
      { line: 5, start: 501, end: 510, text: '' },
    ];
    async function* source() {
      yield* lines;
    }
    expect(await collect(lineRanges(source(), { maxLines: 2, maxBytes: 100 }))).toEqual([
      { first: 1, last: 3, start: 0, end: 20, lines: 2 },
      { first: 4, last: 4, start: 21, end: 500, lines: 1 },
      { first: 5, last: 5, start: 501, end: 510, lines: 1 },
    ]);
  });
});
