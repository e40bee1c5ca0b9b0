import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { PayloadTooLarge } from '../../domain/errors.ts';
import type { HttpEvent, HttpResult } from '../http-event.ts';

const MAX_BODY_BYTES = 256 * 1024;

export function bodySizeLimit(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, Context> {
  return {
    before: ({ event }) => {
      if (typeof event.body !== 'string') return;
      const bytes = event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body);
      if (bytes > MAX_BODY_BYTES) {
        throw new PayloadTooLarge(`Request body is ${bytes} bytes; the limit is ${MAX_BODY_BYTES} bytes (256 KiB)`);
      }
    },
  };
}
