import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { UPLOAD_WINDOW_SECONDS } from '../domain/bulk-load.ts';
import type { UploadTarget, UploadTargets } from './bulk-load-files.ts';
import { uploadKey } from './upload-keys.ts';

/** Upload targets in AWS: a presigned S3 PUT of the load's key in the upload bucket, valid for an hour. */
export class S3UploadTargets implements UploadTargets {
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(bucket: string, region: string) {
    this.client = new S3Client({ region });
    this.bucket = bucket;
  }

  async targetFor(tenantId: string, loadId: string): Promise<UploadTarget> {
    const contentType = 'application/x-ndjson';
    const url = await getSignedUrl(
      this.client,
      new PutObjectCommand({ Bucket: this.bucket, Key: uploadKey(tenantId, loadId), ContentType: contentType }),
      { expiresIn: UPLOAD_WINDOW_SECONDS },
    );
    return {
      url,
      method: 'PUT',
      headers: { 'Content-Type': contentType },
      expires_at: new Date(Date.now() + UPLOAD_WINDOW_SECONDS * 1000).toISOString(),
    };
  }
}
