/**
 * Where a load's files live in the upload bucket: the file as uploaded, and the batches of lines the
 * Distributed Map reads (JSON Lines, one batch a line). Tenant and load ids cannot contain '/'.
 */
export const UPLOAD_PREFIX = 'uploads/';
export const BATCHES_PREFIX = 'batches/';
export const uploadKey = (tenantId: string, loadId: string): string => `${UPLOAD_PREFIX}${tenantId}/${loadId}.ndjson`;
export const batchesKey = (tenantId: string, loadId: string): string => `${BATCHES_PREFIX}${tenantId}/${loadId}.jsonl`;

/** The tenant and load of an uploaded file's key, or undefined for any other key. */
export function loadOfUploadKey(key: string): { tenantId: string; loadId: string } | undefined {
  const match = /^uploads\/([\w-]{1,128})\/([\w:|-]{1,256})\.ndjson$/.exec(key);
  return match ? { tenantId: match[1] as string, loadId: match[2] as string } : undefined;
}
