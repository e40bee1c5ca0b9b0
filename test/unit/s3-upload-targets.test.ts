import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { S3UploadTargets } from '../../lambdas/adapters/s3/s3-upload-targets.ts';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session' };

describe('S3UploadTargets', () => {
  it('presigns the very URL the S3 client’s getSignedUrl gives for a PutObject of the load’s key', async () => {
    const now = new Date('2026-11-30T10:00:00Z');
    const target = await new S3UploadTargets('uploads-bucket', 'eu-west-1', credentials).targetFor('tenant-a', 'load-1', now);
    // Without WHEN_REQUIRED the client would sign a CRC32 of an empty body into the URL, and S3 would refuse any real file.
    const client = new S3Client({ region: 'eu-west-1', credentials, requestChecksumCalculation: 'WHEN_REQUIRED' });
    const expected = await getSignedUrl(client, new PutObjectCommand({ Bucket: 'uploads-bucket', Key: 'uploads/tenant-a/load-1.ndjson' }), {
      expiresIn: 3600,
      signingDate: now,
    });
    const ours = new URL(target.url);
    const theirs = new URL(expected);
    expect(ours.origin + ours.pathname).toBe(theirs.origin + theirs.pathname);
    expect(Object.fromEntries(ours.searchParams)).toEqual(Object.fromEntries(theirs.searchParams));
    expect(target).toMatchObject({
      method: 'PUT',
      headers: { 'Content-Type': 'application/x-ndjson' },
      expires_at: '2026-11-30T11:00:00.000Z',
    });
  });
});
