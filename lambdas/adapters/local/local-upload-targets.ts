import { createHmac, timingSafeEqual } from 'node:crypto';
import { UPLOAD_WINDOW_SECONDS } from '../../domain/bulk-load.ts';
import type { UploadTarget, UploadTargets } from '../../ports/bulk-load-files.ts';

/** The local service's upload path: what a presigned S3 URL is in AWS, signed with the instance's own secret. */
export const LOCAL_UPLOAD_PATH = '/bulkLoadUploads';

const signature = (secret: string, tenantId: string, loadId: string, expires: number): string =>
  createHmac('sha256', secret).update(`${tenantId}\n${loadId}\n${expires}`).digest('base64url');

/** Upload targets on the local service: PUT the file to its URL before it expires, as to a presigned S3 URL. */
export class LocalUploadTargets implements UploadTargets {
  private readonly baseUrl: string;
  private readonly secret: string;

  constructor(baseUrl: string, secret: string) {
    this.baseUrl = baseUrl;
    this.secret = secret;
  }

  async targetFor(tenantId: string, loadId: string): Promise<UploadTarget> {
    const expires = Math.floor(Date.now() / 1000) + UPLOAD_WINDOW_SECONDS;
    const query = new URLSearchParams({ expires: String(expires), signature: signature(this.secret, tenantId, loadId, expires) });
    return {
      url: `${this.baseUrl}${LOCAL_UPLOAD_PATH}/${encodeURIComponent(tenantId)}/${encodeURIComponent(loadId)}?${query}`,
      method: 'PUT',
      headers: { 'Content-Type': 'application/x-ndjson' },
      expires_at: new Date(expires * 1000).toISOString(),
    };
  }
}

/** Whether an upload URL's signature is this instance's and still valid: undefined if so, else why not. */
export function uploadRefusal(secret: string, tenantId: string, loadId: string, query: URLSearchParams): string | undefined {
  const expires = Number(query.get('expires'));
  const given = Buffer.from(query.get('signature') ?? '');
  const expected = Buffer.from(signature(secret, tenantId, loadId, expires));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'The upload URL is not valid';
  if (expires * 1000 < Date.now()) return 'The upload URL has expired; start the load again for a new one';
  return undefined;
}
