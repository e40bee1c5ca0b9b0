import { createReadStream, createWriteStream, renameSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { LineRange } from '../../lambdas/domain/ndjson-lines.ts';
import type { UploadedFile } from '../../lambdas/ports/bulk-load-files.ts';

/** A stored upload under DATA_DIR/bulk-loads/<tenant>/<load>.ndjson, its batches beside it (what S3 holds in AWS). */
export class LocalUploadedFile implements UploadedFile {
  readonly version = 'local';
  private readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  read(range?: { start: number; end: number }): AsyncIterable<Uint8Array> {
    // createReadStream's end is inclusive.
    return createReadStream(this.path, range ? { start: range.start, end: Math.max(range.start, range.end - 1) } : {});
  }

  async writeBatches(batches: AsyncIterable<LineRange>): Promise<void> {
    const temporary = `${this.path}.batches.part`;
    await pipeline(
      (async function* () {
        for await (const batch of batches) yield `${JSON.stringify(batch)}\n`;
      })(),
      createWriteStream(temporary),
    );
    renameSync(temporary, `${this.path}.batches`);
  }

  async *batches(): AsyncGenerator<LineRange> {
    for await (const line of createInterface({ input: createReadStream(`${this.path}.batches`), crlfDelay: Number.POSITIVE_INFINITY })) {
      if (line) yield JSON.parse(line) as LineRange;
    }
  }
}
