import {
  Conflict,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  RecordLocked,
  type ServiceError,
  ServiceUnavailable,
  TenantLimitReached,
  TooManyRequests,
  Unauthenticated,
  ValidationFailed,
} from '../domain/errors.ts';

/** An error class, whatever its constructor takes. */
type ErrorKind = abstract new (...args: never[]) => ServiceError;

/**
 * The HTTP status of each kind of error the service answers on purpose: the one place a domain error
 * becomes a status, for a request's answer and for each operation of a batch alike (as Middy's
 * http-error-handler and Powertools' event handler map errors at the edge). A subclass answers as the
 * nearest kind it extends (a VersionConflict as a Conflict).
 */
const STATUS_OF = new Map<ErrorKind, number>([
  [ValidationFailed, 400],
  [Unauthenticated, 401],
  [Forbidden, 403],
  [RecordLocked, 403],
  [NotFound, 404],
  [Conflict, 409],
  [PayloadTooLarge, 413],
  [TooManyRequests, 429],
  [TenantLimitReached, 429],
  [ServiceUnavailable, 503],
]);

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: { message: string; details?: ServiceError['details'] };
}

/** A domain error as HTTP answers it: its kind's status; `Retry-After` when it passes; the scheme to authenticate with on a 401. */
export function errorAnswer(error: ServiceError): ErrorAnswer {
  const status = statusOf(error);
  const headers: Record<string, string> = {
    ...(error.retryAfterSeconds !== undefined && { 'Retry-After': String(error.retryAfterSeconds) }),
    ...(status === 401 && { 'WWW-Authenticate': 'Bearer' }),
  };
  return { status, headers, body: { message: error.message, ...(error.details && { details: error.details }) } };
}

function statusOf(error: ServiceError): number {
  for (let kind = error.constructor; kind !== Object; kind = Object.getPrototypeOf(kind)) {
    const status = STATUS_OF.get(kind as ErrorKind);
    if (status !== undefined) return status;
  }
  throw new Error(`No HTTP status for ${error.name}: add its kind to STATUS_OF`);
}
