import type { IncomingMessage, ServerResponse } from 'node:http';
import { ERROR_LIMITS, clipped } from '../../../lambdas/domain/errors.ts';
import { GATEWAY_RESPONSES, type GatewayResponseType, renderGatewayResponse } from '../../stack/gateway-response-templates.ts';

/**
 * What the gateway answers itself (API Gateway's own refusals and errors), thrown by a step of the
 * request's way through the gateway and written by the server. With a gateway response type, the body
 * is that response's template of the stack, rendered by substitution as API Gateway renders it (the
 * message is the error's message, and the authorizer's reason for ACCESS_DENIED); without one (the
 * upload URLs, S3's stand-in), the message as `{"message"}`.
 */
export class GatewayAnswer extends Error {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly type: GatewayResponseType | undefined;

  constructor(statusCode: number, message: string, headers: Record<string, string> = {}, type?: GatewayResponseType) {
    // Bounded as every error the service answers (a path or segment may be kilobytes long).
    super(clipped(message, ERROR_LIMITS.messageCharacters));
    this.statusCode = statusCode;
    this.headers = headers;
    this.type = type;
  }

  /** API Gateway's answer of this type, with its status (the defaults keep `statusCode`) and headers. */
  static of(type: GatewayResponseType, message: string, statusCode?: number): GatewayAnswer {
    const response = GATEWAY_RESPONSES[type];
    return new GatewayAnswer(response.statusCode ?? statusCode ?? 500, message, response.headers, type);
  }
}

export function send(
  response: ServerResponse,
  statusCode: number,
  body: string,
  headers: Record<string, string | number | boolean> = {},
): void {
  response.writeHead(statusCode, { 'Content-Type': 'application/json', ...headers });
  response.end(body);
}

/** The gateway's own answer; like every answer of API Gateway's, it carries the request id. */
export function sendAnswer(response: ServerResponse, answer: GatewayAnswer, request: { requestId: string; httpMethod: string }): void {
  const body = answer.type
    ? renderGatewayResponse(GATEWAY_RESPONSES[answer.type].template, {
        requestId: request.requestId,
        httpMethod: request.httpMethod,
        errorMessage: answer.message,
        authorizerReason: answer.message,
      })
    : JSON.stringify({ message: answer.message });
  send(response, answer.statusCode, body, { ...answer.headers, 'x-amzn-RequestId': request.requestId });
}

/** API Gateway's own payload limit; the functions refuse more than 256 KiB themselves. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads the body as API Gateway takes it: up to 10 MB, else a 413 (the rest is never read; the connection closes). */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) {
      throw new GatewayAnswer(413, `Request body over ${GATEWAY_MAX_BODY_BYTES} bytes`, { Connection: 'close' }, 'REQUEST_TOO_LARGE');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
