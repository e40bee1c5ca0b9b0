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

/**
 * A request's names and values as API Gateway hands them on: `single` holds each name's last value,
 * `multi` all of them. Every name is an own property, as in the JSON the function is invoked with, so
 * a name such as `constructor`, `toString` or `__proto__` is a key like any other (gathered in a Map,
 * then built with Object.fromEntries, which defines `__proto__` as an own property rather than
 * setting the prototype).
 */
function namedValues(pairs: Iterable<[string, string]>): { single: Record<string, string>; multi: Record<string, string[]> } {
  const values = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    const seen = values.get(name);
    if (seen) seen.push(value);
    else values.set(name, [value]);
  }
  return {
    single: Object.fromEntries([...values].map(([name, all]) => [name, all.at(-1) as string])),
    multi: Object.fromEntries(values),
  };
}

/** Header names as the client sent them (Node's rawHeaders: name, value, name, value...). */
function* headerPairs(request: IncomingMessage): Generator<[string, string]> {
  for (let i = 0; i < request.rawHeaders.length; i += 2) yield [request.rawHeaders[i] as string, request.rawHeaders[i + 1] as string];
}

function queryOf(url: URL): { single: Record<string, string> | null; multi: Record<string, string[]> | null } {
  if (url.searchParams.size === 0) return { single: null, multi: null };
  return namedValues(url.searchParams);
}

/**
 * The REST proxy event API Gateway would build for the request (header names as sent), before the
 * authorizer has answered; `methodArn` is what the authorizer's policy is evaluated against.
 */
export function proxyEventOf(request: IncomingMessage, url: URL, { route, pathParameters }: Match, requestId: string) {
  const method = request.method ?? 'GET';
  const headers = namedValues(headerPairs(request));
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
