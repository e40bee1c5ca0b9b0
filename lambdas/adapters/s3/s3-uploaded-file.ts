import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { LineRange } from '../../domain/ndjson-lines.ts';
import type { UploadedFile } from '../../ports/bulk-load-files.ts';

/**
 * An uploaded file in the upload bucket: the very version whose upload started the load (a later PUT
 * of the same key changes nothing of it), read whole or by byte range; its batches go to one JSON
 * Lines object, which the Distributed Map reads.
 */
export class S3UploadedFile implements UploadedFile {
  readonly version: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly key: string;
  private readonly batchesKey: string;

  private static client: S3Client | undefined;

  /** One S3 client per process, shared by every file of the warm function. */
  static of(region: string, object: { bucket: string; key: string; version: string }, batchesKey: string): S3UploadedFile {
    S3UploadedFile.client ??= new S3Client({ region });
    return new S3UploadedFile(S3UploadedFile.client, object, batchesKey);
  }

  private constructor(client: S3Client, object: { bucket: string; key: string; version: string }, batchesKey: string) {
    this.client = client;
    this.bucket = object.bucket;
    this.key = object.key;
    this.version = object.version;
    this.batchesKey = batchesKey;
  }

  async *read(range?: { start: number; end: number }): AsyncGenerator<Uint8Array> {
    const { Body } = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: this.key,
        VersionId: this.version,
        ...(range && { Range: `bytes=${range.start}-${Math.max(range.start, range.end - 1)}` }),
      }),
    );
    if (Body) yield* Body as unknown as AsyncIterable<Uint8Array>;
  }

  /** The batches are small (one short line per batch of lines), so they are sent as one object. */
  async writeBatches(batches: AsyncIterable<LineRange>): Promise<void> {
    const lines: string[] = [];
    for await (const batch of batches) lines.push(JSON.stringify(batch));
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.batchesKey, Body: `${lines.join('\n')}\n`, ContentType: 'application/jsonl' }),
    );
  }
}
