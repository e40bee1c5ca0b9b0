import type middy from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import { mayHoldInexactNumbers, parseJson } from '../domain/json-values.ts';
import type { HttpEvent, HttpResult } from './http-event.ts';

type Request = middy.Request<HttpEvent, HttpResult, Error, Context>;

/**
 * middy's JSON body parser (Content-Type, syntax and forbidden-key rules, and their errors), then,
 * when the body may hold a number a double would change, a second parse that keeps every number
 * exactly (middy's reviver is not given the number's source text).
 */
export function jsonBody(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  const parse = httpJsonBodyParser().before as (request: Request) => void;
  return {
    before: (request) => {
      const raw = request.event.body;
      parse(request);
      if (typeof raw !== 'string') return;
      const text = request.event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (mayHoldInexactNumbers(text)) request.event.body = parseJson(text) as string;
    },
  };
}
