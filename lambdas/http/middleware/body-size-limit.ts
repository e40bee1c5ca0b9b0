import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { MAX_BODY_BYTES, bodyTooLarge } from '../../domain/json-body.ts';
import type { HttpEvent, HttpResult } from '../http-event.ts';

export function bodySizeLimit(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: ({ event }) => {
      if (typeof event.body !== 'string') return;
      const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body);
      if (bytes > MAX_BODY_BYTES) {
        throw bodyTooLarge(bytes);
      }
    },
  };
}
