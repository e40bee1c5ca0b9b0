/** One problem with one field of the input, as it appears in a 400 response's `details`. */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * What one error holds at most, wherever it goes (an answer, or a bulk load's report of a line): a
 * body with a 130,000-character key or 40,000 unknown fields still gets a small error that names them.
 * A longer text is cut and says how long it was; past `details` issues, the message says how many
 * there were in all.
 */
export const ERROR_LIMITS = {
  messageCharacters: 2_000,
  pathCharacters: 200,
  detailMessageCharacters: 300,
  details: 100,
  /** How many offending fields a message names before it says how many more there are. */
  pathsInMessage: 10,
} as const;

/** `text` as it is, or cut to `max` UTF-16 units (never inside a surrogate pair), saying how many characters it had. */
export function clipped(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  let characters = 0;
  for (const _ of text) characters++;
  return `${text.slice(0, end)}… (${characters.toLocaleString('en-US')} characters)`;
}

const boundedIssue = (issue: FieldIssue): FieldIssue => ({
  path: clipped(issue.path, ERROR_LIMITS.pathCharacters),
  message: clipped(issue.message, ERROR_LIMITS.detailMessageCharacters),
});

/**
 * The base of every error the service answers on purpose: what went wrong, in the domain's terms (its
 * kind is its class), the fields at fault, and when trying again may succeed. The HTTP layer gives each
 * kind its status (lambdas/http/error-statuses.ts); anything else becomes a 500 that hides its cause.
 */
export abstract class ServiceError extends Error {
  readonly details: FieldIssue[] | undefined;
  /** For a refusal that passes: how many seconds before the same request may succeed. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, options: { details?: FieldIssue[]; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(clipped(message, ERROR_LIMITS.messageCharacters), { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details?.slice(0, ERROR_LIMITS.details).map(boundedIssue);
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class ValidationFailed extends ServiceError {}

/**
 * A 400 naming every offending field of `what`: the first few in its message, with how many more
 * there are, and up to ERROR_LIMITS.details in its details.
 */
export function invalid(what: string, details: FieldIssue[]): ValidationFailed {
  const named = details.slice(0, ERROR_LIMITS.pathsInMessage).map((issue) => clipped(issue.path, ERROR_LIMITS.pathCharacters));
  const more = details.length - named.length;
  const listed = more > 0 ? ` and ${more.toLocaleString('en-US')} more` : '';
  const shown = details.length > ERROR_LIMITS.details ? ` (details show the first ${ERROR_LIMITS.details})` : '';
  return new ValidationFailed(`Invalid ${what}: ${named.join(', ')}${listed}${shown}`, { details });
}

export class Unauthenticated extends ServiceError {
  constructor(message = 'Unauthorized') {
    super(message);
  }
}

export class Forbidden extends ServiceError {}

export class RecordLocked extends ServiceError {
  constructor(id: string) {
    super(`Billing run action '${id}' is locked (sys_locked is true) and cannot be changed`);
  }
}

export class NotFound extends ServiceError {}

export class Conflict extends ServiceError {}

export class PayloadTooLarge extends ServiceError {}

export class TooManyRequests extends ServiceError {
  constructor(message: string, retryAfterSeconds: number, options: { cause?: unknown } = {}) {
    super(message, { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)), ...options });
  }
}

/** The service cannot serve this just now (storage out of reach, or a write whose outcome it cannot tell); retry after a pause. */
export class ServiceUnavailable extends ServiceError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { retryAfterSeconds: 1, ...options });
  }
}

/** A change that ran out of its time (a batch's deadline) before it wrote anything: nothing changed, and sending it again is safe. */
export const outOfTime = (id: string): TooManyRequests =>
  new TooManyRequests(`Billing run action '${id}' was not changed: the request ran out of time first; retry it`, 1);

/**
 * A write still in flight when its time ran out, abandoned there: it may or may not have landed, so it
 * is not reported as not applied. The caller reads the record to know.
 */
export const writeOutcomeUnknown = (id: string, options: { cause?: unknown } = {}): ServiceUnavailable =>
  new ServiceUnavailable(
    `The write to billing run action '${id}' was still in flight when the request ran out of time: it may or may not have been applied; read the record before retrying`,
    options,
  );

export const notFound = (id: string): NotFound => new NotFound(`Billing run action '${id}' was not found`);

/** A conditional write lost a race against another writer. Patch and delete retry on it; update does not. */
export class VersionConflict extends Conflict {}

/** The tenant holds as many records as its limit allows; deleting some makes room. */
export class TenantLimitReached extends ServiceError {
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
