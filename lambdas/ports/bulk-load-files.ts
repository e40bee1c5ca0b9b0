import type { LineRange } from '../domain/ndjson-lines.ts';

/** Where a client sends a load's file: a presigned S3 PUT in AWS, the local service itself on a laptop. */
export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expires_at: string;
}

export interface UploadTargets {
  targetFor(tenantId: string, loadId: string): Promise<UploadTarget>;
}

/**
 * One uploaded file and its batches of lines: the S3 object (a version of it) in AWS, a file under
 * DATA_DIR locally. The batches are written once the file has been read through, where the runner
 * (the Distributed Map, or the local runner) takes them from.
 */
export interface UploadedFile {
  /** Which upload of the load's file this is (the S3 object's version); a load takes only the first. */
  version: string;
  /** The file's bytes, or those of [start, end). */
  read(range?: { start: number; end: number }): AsyncIterable<Uint8Array>;
  writeBatches(batches: AsyncIterable<LineRange>): Promise<void>;
}
