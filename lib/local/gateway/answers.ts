import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the gateway answers itself (API Gateway's own refusals and errors), thrown by a step of the
 * request's way through the gateway and written by the server: always `{"message"}` JSON.
 */
export class GatewayAnswer extends Error {
  readonly statusCode: number;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.statusCode = statusCode;
    this.headers = headers;
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
export const sendAnswer = (response: ServerResponse, answer: GatewayAnswer, requestId: string): void =>
  send(response, answer.statusCode, JSON.stringify({ message: answer.message }), { ...answer.headers, 'x-amzn-RequestId': requestId });

/** API Gateway's own payload limit; the functions refuse more than 256 KiB themselves. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Reads the body as API Gateway takes it: up to 10 MB, else a 413 (the rest is never read; the connection closes). */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) {
      throw new GatewayAnswer(413, `Request Too Long: API Gateway accepts request bodies up to 10 MB (${GATEWAY_MAX_BODY_BYTES} bytes)`, {
        Connection: 'close',
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
