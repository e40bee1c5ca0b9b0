import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResult = APIGatewayProxyResult;

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function jsonResult(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * A request header by its lower-case name. API Gateway passes names as the client sent them; the
 * handler factory's header normalizer lower-cases them once, before the body and authorization
 * middleware, so every later reader asks this way.
 */
export function headerOf(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name.toLowerCase()] ?? undefined;
}

/** A 200 body with extra response headers, for a use case result that needs them. */
export class Reply {
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(body: unknown, headers: Record<string, string>) {
    this.body = body;
    this.headers = headers;
  }
}
