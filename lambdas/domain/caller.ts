/** Who is calling, as the authorizer established it, and where the request came from. */
export interface Caller {
  principal: string;
  tenantId: string;
  sourceIp: string;
  userAgent: string;
  requestId: string;
}

export const READ_SCOPE = 'billing-run-actions:read';
export const WRITE_SCOPE = 'billing-run-actions:write';
export type Scope = typeof READ_SCOPE | typeof WRITE_SCOPE;

/** Write implies read. */
export function scopeGranted(granted: readonly string[], required: Scope): boolean {
  return granted.includes(required) || (required === READ_SCOPE && granted.includes(WRITE_SCOPE));
}
