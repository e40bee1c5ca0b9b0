import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/** A REST API proxy event as API Gateway sends it after the authorizer allowed the request. */
export function proxyEvent(options: {
  method: string;
  resource: string;
  pathParameters: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  authorizer?: Record<string, unknown> | null;
}): APIGatewayProxyEvent {
  const path = Object.entries(options.pathParameters).reduce((p, [name, value]) => p.replace(`{${name}}`, value), options.resource);
  const body = options.body === undefined ? null : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  return {
    resource: options.resource,
    path,
    httpMethod: options.method,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'unit-test',
      Authorization: 'Bearer secret-token-value',
      ...options.headers,
    },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: options.pathParameters,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api123',
      authorizer:
        options.authorizer === undefined
          ? {
              principalId: 'user-1',
              tenants: '["t1"]',
              scope: 'billing-run-actions:read billing-run-actions:write',
              // As API Gateway hands it on: a string.
              expiresAt: String(Math.floor(Date.now() / 1000) + 3600),
              integrationLatency: 5,
            }
          : options.authorizer,
      httpMethod: options.method,
      identity: { sourceIp: '203.0.113.9', userAgent: 'unit-test' },
      path: `/prod${path}`,
      protocol: 'HTTP/1.1',
      requestId: 'api-request-1',
      requestTimeEpoch: Date.now(),
      resourceId: 'abc',
      resourcePath: options.resource,
      stage: 'prod',
    },
  } as unknown as APIGatewayProxyEvent;
}

/** A Lambda context whose function times out `timeoutMs` from now (10 s, the functions' timeout, unless told). */
export function lambdaContext(awsRequestId = 'lambda-request-1', timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    awsRequestId,
    functionName: 'fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
    memoryLimitInMB: '512',
    logGroupName: '/aws/lambda/fn',
    logStreamName: 'stream',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
