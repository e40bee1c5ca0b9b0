import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { bodyText, parseRequestBody } from '../../domain/json-body.ts';
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

/** The request's JSON body, read by the rules of domain/json-body.ts (middy's parser; numbers kept exactly). */
export function jsonBody(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: (request) => parseRequestBody(request as never, textOf(request.event)),
  };
}
