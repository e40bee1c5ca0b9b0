import type middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import { ValidationFailed } from '../../domain/errors.ts';
import { mayHoldInexactNumbers, parseJson } from '../../domain/json-values.ts';
import type { HttpEvent, HttpResult } from '../http-event.ts';

type Request = middy.Request<HttpEvent, HttpResult, Error, Context>;

const textOf = (event: HttpEvent): string | undefined =>
  typeof event.body !== 'string' ? undefined : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;

/** middy's refusals (415, and 422 for bad JSON or a forbidden key) as the service's own 400s, told apart by status and by whether the text parses. */
function refusal(error: { statusCode?: number }, text: string | undefined): ValidationFailed {
  if (error.statusCode === 415)
    return new ValidationFailed('Unsupported Media Type: the body must be JSON sent with Content-Type: application/json');
  try {
    JSON.parse(text ?? '');
  } catch {
    return new ValidationFailed('Request body is not valid JSON');
  }
  return new ValidationFailed('Request body contains a forbidden key (__proto__ or constructor.prototype)');
}

/**
 * middy's JSON body parser (its Content-Type, syntax and forbidden-key rules), then, when the body may
 * hold a number a double would change, a second parse that keeps every number exactly (middy's
 * reviver is not given the number's source text).
 */
export function jsonBody(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const parse = httpJsonBodyParser().before as (request: Request) => void;
  return {
    before: (request) => {
      const text = textOf(request.event);
      try {
        parse(request);
      } catch (error) {
        throw refusal(error as { statusCode?: number }, text);
      }
      if (text !== undefined && mayHoldInexactNumbers(text)) request.event.body = parseJson(text) as string;
    },
  };
}
