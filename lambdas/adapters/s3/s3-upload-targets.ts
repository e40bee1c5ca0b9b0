import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/protocols';
import { UPLOAD_WINDOW_SECONDS } from '../../domain/bulk-load.ts';
import type { UploadTarget, UploadTargets } from '../../ports/bulk-load-files.ts';
import { uploadKey } from './upload-keys.ts';

const CONTENT_TYPE = 'application/x-ndjson';
type Credentials = ConstructorParameters<typeof S3RequestPresigner>[0]['credentials'];

/**
 * Upload targets in AWS: a presigned S3 PUT of the load's key in the upload bucket, valid for an hour.
 * The SDK's own S3 presigner signs it, given the request a PutObject would send (virtual-hosted style),
 * without the S3 client around it: the client would take the start function's bundle past the bundle
 * bar (595 KB against 550). A test checks the URL against the S3 client's getSignedUrl.
 */
export class S3UploadTargets implements UploadTargets {
  private readonly presigner: S3RequestPresigner;
  private readonly hostname: string;

  constructor(bucket: string, region: string, credentials: Credentials = defaultProvider()) {
    this.presigner = new S3RequestPresigner({ credentials, region, sha256: Sha256, service: 's3' });
    this.hostname = `${bucket}.s3.${region}.amazonaws.com`;
  }

  async targetFor(tenantId: string, loadId: string, now = new Date()): Promise<UploadTarget> {
    const request = new HttpRequest({
      protocol: 'https:',
      hostname: this.hostname,
      method: 'PUT',
      path: `/${uploadKey(tenantId, loadId)}`,
      query: { 'x-id': 'PutObject' },
      headers: { host: this.hostname, 'content-type': CONTENT_TYPE },
    });
    const signed = await this.presigner.presign(request, { expiresIn: UPLOAD_WINDOW_SECONDS, signingDate: now });
    return {
      url: formatUrl(signed),
      method: 'PUT',
      headers: { 'Content-Type': CONTENT_TYPE },
      expires_at: new Date(now.getTime() + UPLOAD_WINDOW_SECONDS * 1000).toISOString(),
    };
  }
}
