/**
 * The processing executions each tenant has open (started, not yet ended), held against its tier's cap
 * (domain/tenant.ts, OPEN_EXECUTIONS_BY_TIER): a place is taken before an execution starts and given
 * back when it ends, each once whatever the retries.
 */
export interface OpenExecutions {
  /**
   * Takes a place for the named execution among its tenant's open ones: true when it has one (now, or
   * since an earlier call for the same execution), false when the tenant already has `cap` open.
   */
  open(tenantId: string, name: string, cap: number): Promise<boolean>;
  /** Gives the execution's place back; an execution that holds none (never opened, or closed already) changes nothing. */
  close(tenantId: string, name: string): Promise<void>;
  /** How many executions the tenant has open. */
  count(tenantId: string): Promise<number>;
  /** The names of the tenant's executions whose places were taken before `before` (RFC 3339), as an eventually consistent index says. */
  openedBefore(tenantId: string, before: string): Promise<string[]>;
}
