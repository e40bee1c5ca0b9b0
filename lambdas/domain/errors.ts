/** One problem with one field of the input, as it appears in a 400 response's `details`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * The base of every error the service answers on purpose. The error middleware maps an instance to
 * its status and `{"message", "details"?}` body; anything else becomes a 500 that hides its cause.
 */
export abstract class ServiceError extends Error {
  abstract readonly statusCode: number;
  readonly details: FieldIssue[] | undefined;
  readonly headers: Record<string, string>;

  constructor(message: string, options: { details?: FieldIssue[]; headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }
}

export class ValidationFailed extends ServiceError {
  readonly statusCode = 400;
}

export class Unauthenticated extends ServiceError {
  readonly statusCode = 401;
  constructor(message = 'Unauthorized') {
    super(message, { headers: { 'WWW-Authenticate': 'Bearer' } });
  }
}

export class Forbidden extends ServiceError {
  readonly statusCode = 403;
}

export class RecordLocked extends ServiceError {
  readonly statusCode = 403;
  constructor(id: string) {
    super(`Billing run action '${id}' is locked (sys_locked is true) and cannot be changed`);
  }
}

export class NotFound extends ServiceError {
  readonly statusCode = 404;
}

export class Conflict extends ServiceError {
  readonly statusCode = 409;
}

export class PayloadTooLarge extends ServiceError {
  readonly statusCode = 413;
}

export class TooManyRequests extends ServiceError {
  readonly statusCode = 429;
  constructor(message: string, retryAfterSeconds: number) {
    super(message, { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });
  }
}

export const notFound = (id: string): NotFound => new NotFound(`Billing run action '${id}' was not found`);

/** A conditional write lost a race against another writer. Patch and delete retry on it; update does not. */
export class VersionConflict extends Conflict {}

/** The tenant holds as many records as its limit allows; deleting some makes room. */
export class TenantLimitReached extends ServiceError {
  readonly statusCode = 429;
  constructor(tenantId: string, maxActions: number) {
    super(`Tenant '${tenantId}' has reached its limit of ${maxActions} billing run actions; delete some to make room`);
  }
}

/** The tenant was never added, or was removed: no writes for it (the authorizer refuses its requests too). */
export const tenantNotProvisioned = (tenantId: string, options: { cause?: unknown } = {}): Forbidden =>
  new Forbidden(`Tenant '${tenantId}' is not provisioned`, options);

/** A write whose item would pass DynamoDB's item limit; nothing is written. */
export const itemTooLarge = (what: string, bytes: number, limit: number): PayloadTooLarge =>
  new PayloadTooLarge(
    `${what} would take ${bytes.toLocaleString('en-US')} bytes in DynamoDB, past its item limit of 400 KB (${limit.toLocaleString('en-US')} bytes); nothing was written`,
  );
