import type { BillingRunAction, ClientFields } from './record-schema.ts';
import type { Caller } from './caller.ts';

/** The moment and the reason of a write, from which every server-managed field is derived. */
export interface WriteStamp {
  caller: Caller;
  operation: string;
  at: string;
}

function securityContext({ caller, operation, at }: WriteStamp): BillingRunAction['sys_last_security_context'] {
  return {
    principal: caller.principal,
    tenant: caller.tenantId,
    source_ip: caller.sourceIp,
    user_agent: caller.userAgent,
    request_id: caller.requestId,
    time: at,
    operation,
  };
}

export function newRecord(id: string, fields: ClientFields, stamp: WriteStamp): BillingRunAction {
  return {
    ...fields,
    id,
    sys_version: 1,
    sys_created_at: stamp.at,
    sys_created_by_id: stamp.caller.principal,
    sys_last_modified_at: stamp.at,
    sys_last_modified_by_id: stamp.caller.principal,
    sys_last_security_context: securityContext(stamp),
  } as BillingRunAction;
}

/**
 * The fields every change of a record writes, whoever makes it: the functions (nextVersion) and the
 * default processor's write-back, which a test keeps in step with this list.
 */
export const CHANGE_STAMP_FIELDS = ['sys_version', 'sys_last_modified_at', 'sys_last_modified_by_id', 'sys_last_security_context'] as const;

/** The next version of `current`: its client fields replaced by `fields`, its creation fields kept. */
export function nextVersion(current: BillingRunAction, fields: ClientFields, stamp: WriteStamp): BillingRunAction {
  return {
    ...fields,
    id: current.id,
    sys_version: current.sys_version + 1,
    sys_created_at: current.sys_created_at,
    sys_created_by_id: current.sys_created_by_id,
    sys_last_modified_at: stamp.at,
    sys_last_modified_by_id: stamp.caller.principal,
    sys_last_security_context: securityContext(stamp),
  } as BillingRunAction;
}
