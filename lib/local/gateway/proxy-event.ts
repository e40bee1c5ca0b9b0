import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import type { Match } from './routing.ts';

/** A header as API Gateway reads an identity source: by name, whatever its case. */
export function headerNamed(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function headersOf(request: IncomingMessage): { single: Record<string, string>; multi: Record<string, string[]> } {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    const value = request.rawHeaders[i + 1] as string;
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

function queryOf(url: URL): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  if ([...url.searchParams.keys()].length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) {
    single[name] = value;
    (multi[name] ??= []).push(value);
  }
  return { single, multi };
}

/**
 * The REST proxy event API Gateway would build for the request (header names as sent), before the
 * authorizer has answered; `methodArn` is what the authorizer's policy is evaluated against.
 */
export function proxyEventOf(request: IncomingMessage, url: URL, { route, pathParameters }: Match, requestId: string) {
  const method = request.method ?? 'GET';
  const headers = headersOf(request);
  const query = queryOf(url);
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return {
    methodArn: `arn:aws:execute-api:local:000000000000:local/local/${method}${url.pathname}`,
    event: {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers: headers.single,
      multiValueHeaders: headers.multi,
      queryStringParameters: query.single,
      multiValueQueryStringParameters: query.multi,
      pathParameters,
      stageVariables: null,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: null as Record<string, unknown> | null,
        httpMethod: method,
        identity: { sourceIp, userAgent: headerNamed(headers.single, 'user-agent') ?? null },
        path: `/local${url.pathname}`,
        protocol: `HTTP/${request.httpVersion}`,
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: route.operation,
        resourcePath: route.path,
        stage: 'local',
      },
      body: null as string | null,
      isBase64Encoded: false,
    } satisfies Omit<APIGatewayProxyEvent, 'requestContext'> & { requestContext: object },
  };
}

/** The Lambda context a function is invoked with, its deadline `timeoutMs` away. */
export function lambdaContext(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
