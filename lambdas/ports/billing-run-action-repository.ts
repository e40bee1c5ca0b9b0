import type { Lookup, Status } from '../domain/billing-run-action.ts';
import type { BillingRunAction } from '../domain/record-schema.ts';

/** What a list asks for: at most `limit` records after `afterId`; with `status`, only records in it. */
export interface ListRequest {
  limit: number;
  afterId?: string;
  status?: Status;
}

export interface ListPage {
  items: BillingRunAction[];
  /** Present when more items may follow: the id of the last item of this page. */
  lastId?: string;
}

export interface SoftDeletion {
  /** The record as it stands deleted: version, modification and deleter fields already set. */
  record: BillingRunAction;
  /** Epoch seconds after which DynamoDB TTL may purge it. */
  expiresAt: number;
}

/** A create's claim on an Idempotency-Key: the first create with the key stores its response for replay. */
export interface IdempotencyClaim {
  key: string;
  /** Hash of the request body; the same key with another body is a conflict. */
  bodyHash: string;
  /** Epoch seconds until which the key holds. */
  expiresAt: number;
  /** Epoch seconds of now, before which an older claim on the key has expired. */
  now: number;
}

export interface CreateResult {
  record: BillingRunAction;
  /** True when an earlier create with the same key and body answered, and nothing was created now. */
  replayed: boolean;
}

/**
 * Where a call must give up (a batch's deadline): once `signal` aborts, a call not yet sent is refused
 * with `outOfTime` (429, nothing changed), a read still in flight is abandoned the same way, and a
 * write still in flight is abandoned with `writeOutcomeUnknown` (503: it may have landed). Retries
 * inside the call stop there too.
 */
export interface CallDeadline {
  signal?: AbortSignal;
}

/**
 * The one port to billing run action storage. Every write is conditional: `create` on the id being
 * new, `replace` and `softDelete` on the version that was read. A failed condition becomes NotFound
 * (the record is gone) or Conflict (someone else changed it).
 */
export interface BillingRunActionRepository {
  /** The live record, or undefined when it never existed or is deleted. */
  get(tenantId: string, id: string, options?: { consistentRead?: boolean } & CallDeadline): Promise<BillingRunAction | undefined>;
  /** Creates the record, counted against the tenant's limit; with a claim, at most once per key. */
  create(tenantId: string, record: BillingRunAction, idempotency?: IdempotencyClaim): Promise<CreateResult>;
  replace(tenantId: string, record: BillingRunAction, expectedVersion: number, options?: CallDeadline): Promise<void>;
  softDelete(tenantId: string, deletion: SoftDeletion, expectedVersion: number, options?: CallDeadline): Promise<void>;
  /** A page of the live records with this lookup value (in one status, if given), in id order after `afterId`. */
  list(tenantId: string, lookup: Lookup, value: string, page: ListRequest): Promise<ListPage>;
}
