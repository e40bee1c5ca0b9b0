import type middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import { bodyText, exactNumbers, forbiddenKey, notJson } from '../../domain/json-body.ts';
import { ValidationFailed } from '../../domain/errors.ts';
import { withoutBom } from '../../domain/text-encoding.ts';
import type { HttpEvent, HttpResult } from '../http-event.ts';

/**
 * The body's text. API Gateway hands the functions the client's bytes (base64, as binary media: the
 * stack sets binaryMediaTypes to every type), so they are read by the same strict rule as a bulk load
 * line (domain/text-encoding.ts); a body that arrives as a string gets the same BOM rule.
 */
function textOf(event: HttpEvent): string | undefined {
  if (typeof event.body !== 'string') return undefined;
  const text = event.isBase64Encoded ? bodyText(Buffer.from(event.body, 'base64')) : withoutBom(event.body);
  event.body = text;
  event.isBase64Encoded = false;
  return text;
}

/** Middy's refusals (415; 422 for bad JSON or a forbidden key) as the service's own 400s, told apart by status and message. */
function refusal(error: { statusCode?: number; message?: string }): Error {
  if (error.statusCode === 415) {
    return new ValidationFailed('Unsupported Media Type: the body must be JSON sent with Content-Type: application/json');
  }
  if (error.statusCode === 422) return error.message === 'Forbidden key in JSON body' ? forbiddenKey() : notJson();
  return error as Error;
}

/**
 * The request's JSON body: its text by the service's rule, then Middy's JSON body parser (content
 * type, syntax, forbidden keys), then its numbers kept exactly (domain/json-body.ts).
 */
export function jsonBody(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const parser = httpJsonBodyParser();
  return {
    before: async (request) => {
      const text = textOf(request.event);
      try {
        await parser.before?.(request as never);
      } catch (error) {
        throw refusal(error as { statusCode?: number; message?: string });
      }
      if (text !== undefined) (request.event as { body: unknown }).body = exactNumbers(text, request.event.body);
    },
  };
}
