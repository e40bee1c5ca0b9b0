import { decodeUtf8 } from './text-encoding.ts';

/**
 * Reading an NDJSON upload as a stream of physical lines, in bounded memory whatever the file holds.
 * A line longer than `maxTextBytes` is measured but never held (its text is left out), so one huge
 * line costs no more memory than a short one. Empty lines (nothing but white space, however long) are
 * skipped, and line numbers stay physical and 1-based. Text is read as a request body is (text-encoding.ts).
 */
export interface FileLine {
  /** Physical line number, 1-based. */
  line: number;
  /** Byte offset of the line's first byte in the file. */
  start: number;
  /** Byte offset just past the line's last byte (before its line break). */
  end: number;
  /** The line's text, when it is well-formed UTF-8 of at most `maxTextBytes` (without a trailing CR). */
  text?: string;
  /** Why `text` is missing: `too long` (see `end - start`) or `not UTF-8`. */
  unreadable?: 'too long' | 'not UTF-8';
}

/** Where a slice of the file begins: the byte offset and the number of its first line. */
export interface LineStart {
  offset: number;
  line: number;
}

const NEWLINE = 0x0a;
/** Space, tab and carriage return: a line of only these is blank, however long. */
const isBlankByte = (byte: number): boolean => byte === 0x20 || byte === 0x09 || byte === 0x0d;
/** A UTF-8 byte order mark, which the decoder drops at a line's start (text-encoding.ts): it leaves a line blank. */
const BOM = [0xef, 0xbb, 0xbf];

export async function* fileLines(
  chunks: AsyncIterable<Uint8Array>,
  maxTextBytes: number,
  from: LineStart = { offset: 0, line: 1 },
): AsyncGenerator<FileLine> {
  let line = from.line;
  let start = from.offset;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let lineBytes = 0;
  let blank = true;
  let bomBytes = 0;
  /** Whether this byte, at this position of the line, continues a BOM that opens the line. */
  const leadingBom = (position: number, byte: number): boolean => {
    if (position !== bomBytes || byte !== BOM[position]) return false;
    bomBytes += 1;
    return true;
  };

  const finish = (): FileLine | undefined => {
    const end = start + lineBytes;
    let result: FileLine | undefined;
    if (blank) {
      // Skipped like an empty line, whatever its length.
    } else if (lineBytes > maxTextBytes + 1) {
      result = { line, start, end, unreadable: 'too long' };
    } else {
      const bytes = held.length === 1 ? (held[0] as Uint8Array) : Buffer.concat(held, heldBytes);
      const trimmed = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.subarray(0, bytes.length - 1) : bytes;
      if (trimmed.length > maxTextBytes) result = { line, start, end, unreadable: 'too long' };
      else {
        // Read as a request body is read (text-encoding.ts): strict UTF-8, a leading BOM dropped.
        // (A line of white space, a leading BOM aside, was found blank byte by byte above.)
        const text = decodeUtf8(trimmed);
        result = text === undefined ? { line, start, end, unreadable: 'not UTF-8' } : { line, start, end, text };
      }
    }
    line += 1;
    start = end + 1;
    held = [];
    heldBytes = 0;
    lineBytes = 0;
    blank = true;
    bomBytes = 0;
    return result;
  };

  const hold = (piece: Uint8Array): void => {
    if (blank) blank = piece.every((byte, index) => isBlankByte(byte) || (lineBytes + index < 3 && leadingBom(lineBytes + index, byte)));
    lineBytes += piece.length;
    // Past the limit (plus a CR) the text is never needed: only its length is kept.
    if (heldBytes <= maxTextBytes + 1) {
      held.push(piece);
      heldBytes += piece.length;
    }
  };

  for await (const chunk of chunks) {
    let position = 0;
    while (position < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, position);
      if (newline === -1) {
        hold(chunk.subarray(position));
        break;
      }
      hold(chunk.subarray(position, newline));
      const done = finish();
      if (done) yield done;
      position = newline + 1;
    }
  }
  if (lineBytes > 0) {
    const done = finish();
    if (done) yield done;
  }
}

/** A batch of consecutive lines of the file: what one chunk of a load reads and loads. */
export interface LineRange {
  /** The number of the range's first non-empty line. */
  first: number;
  /** The number of its last non-empty line. */
  last: number;
  /** Byte offsets: from the first line's start to just past the last line's end. */
  start: number;
  end: number;
  /** How many non-empty lines it holds. */
  lines: number;
}

/** Groups the file's non-empty lines into ranges of at most `maxLines` lines and (unless one line alone is longer) `maxBytes` bytes. */
export async function* lineRanges(
  lines: AsyncIterable<FileLine>,
  limits: { maxLines: number; maxBytes: number },
): AsyncGenerator<LineRange> {
  let range: LineRange | undefined;
  for await (const line of lines) {
    if (range && (range.lines >= limits.maxLines || line.end - range.start > limits.maxBytes)) {
      yield range;
      range = undefined;
    }
    if (range) {
      range.last = line.line;
      range.end = line.end;
      range.lines += 1;
    } else {
      range = { first: line.line, last: line.line, start: line.start, end: line.end, lines: 1 };
    }
  }
  if (range) yield range;
}
