import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { parseRequestBody } from '../../domain/json-body.ts';
import type { HttpEvent, HttpResult } from '../http-event.ts';

const textOf = (event: HttpEvent): string | undefined =>
  typeof event.body !== 'string' ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;

/** The request's JSON body, read by the rules of domain/json-body.ts (middy's parser; numbers kept exactly). */
export function jsonBody(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: (request) => parseRequestBody(request as never, textOf(request.event)),
  };
}
