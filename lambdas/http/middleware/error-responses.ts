import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ServiceError, ServiceUnavailable } from '../../domain/errors.ts';
import { errorAnswer } from '../error-statuses.ts';
import { type HttpEvent, type HttpResult, jsonResult } from '../http-event.ts';
import { logger } from '../../logger.ts';
import { storageRefusal } from '../../storage-busy.ts';

/** Middy's own TimeoutError (the function's deadline) names its package as cause: that one is a 500, as any timeout of the function. */
const fromMiddy = (error: unknown): boolean =>
  error instanceof Error && (error.cause as { package?: string } | undefined)?.package === '@middy/core';

/** An error a middy middleware marks as fit for the client (`expose`, as middy's http-error-handler reads it). */
function isExposedHttpError(error: unknown): error is { statusCode: number; message: string } {
  const candidate = error as { statusCode?: unknown; expose?: unknown } | null;
  return (
    typeof candidate?.statusCode === 'number' && candidate.expose === true && candidate.statusCode >= 400 && candidate.statusCode < 500
  );
}

/**
 * The answer to an error, chosen by its type: a ServiceError as its kind answers (error-statuses.ts);
 * an exposed middy error its message (as a 400); storage throttling is a 429, storage out of reach a
 * 503 (both with Retry-After); anything else a 500 whose message names only the request id.
 */
function toErrorResult(error: unknown, requestId: string): HttpResult {
  if (error instanceof ServiceError) return answered(error);
  if (isExposedHttpError(error)) return jsonResult(400, { message: error.message });
  const refusal = fromMiddy(error) ? undefined : storageRefusal(error);
  if (refusal) {
    logger.warn(refusal instanceof ServiceUnavailable ? 'storage could not be reached in time' : 'storage throttled the request', {
      requestId,
      error: (error as Error).name,
    });
    return answered(refusal);
  }
  logger.error('unexpected error', { requestId, error: error as Error });
  return jsonResult(500, { message: `Internal server error (request id ${requestId})` });
}

function answered(error: ServiceError): HttpResult {
  const { status, headers, body } = errorAnswer(error);
  return jsonResult(status, body, headers);
}

/** Maps every error to `{"message"}` with its status; a 5xx hides its cause behind the request id. */
export function errorResponses(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: (request) => {
      request.response = toErrorResult(request.error, request.context.awsRequestId);
    },
  };
}
