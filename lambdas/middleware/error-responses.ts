import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { ServiceError } from '../domain/errors.ts';
import { type HttpEvent, type HttpResult, jsonResult } from './http-event.ts';
import { logger } from './logger.ts';

/** Errors middy's own middlewares raise, with the message the client should read. */
const MIDDY_ERRORS: Record<number, string> = {
  415: 'Unsupported Media Type: the body must be JSON sent with Content-Type: application/json',
  422: 'Request body is not valid JSON',
};

/** DynamoDB's throttling errors: the caller should slow down, not see a 500. */
const THROTTLING_ERRORS = new Set(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded']);

function isMiddyHttpError(error: unknown): error is { statusCode: number; message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

export function toErrorResult(error: unknown, requestId: string): HttpResult {
  if (error instanceof ServiceError) {
    return jsonResult(error.statusCode, { message: error.message, ...(error.details && { details: error.details }) }, error.headers);
  }
  if (isMiddyHttpError(error) && error.statusCode >= 400 && error.statusCode < 500) {
    const message =
      error.message === 'Forbidden key in JSON body'
        ? 'Request body contains a forbidden key (__proto__ or constructor.prototype)'
        : (MIDDY_ERRORS[error.statusCode] ?? error.message);
    return jsonResult(400, { message });
  }
  if (error instanceof Error && THROTTLING_ERRORS.has(error.name)) {
    logger.warn('storage throttled the request', { requestId, error: error.name });
    return jsonResult(429, { message: 'Too Many Requests: storage is throttling; retry after a pause' }, { 'Retry-After': '1' });
  }
  logger.error('unexpected error', { requestId, error: error as Error });
  return jsonResult(500, { message: `Internal server error (request id ${requestId})` });
}

/** Maps every error to `{"message"}` with its status; a 5xx hides its cause behind the request id. */
export function errorResponses(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    onError: (request) => {
      request.response = toErrorResult(request.error, request.context.awsRequestId);
    },
  };
}
