import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayRequestAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { UNAUTHORIZED, UNAUTHORIZED_MESSAGE } from '../../lambdas/auth/authorize-request.ts';
import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../../lambdas/domain/response-size.ts';
import { FUNCTION_TIMEOUT_SECONDS, INTEGRATION_TIMEOUT_SECONDS } from '../stack/api-settings.ts';
import { AUTHORIZER_ENTRY, ROUTES, type Route } from '../../lambdas/routes.ts';
import type { LocalUsagePlans } from './usage-plans.ts';

/** API Gateway's own payload limit; the functions refuse more than 256 KiB themselves. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;

export interface GatewayOptions {
  port: number;
  host?: string;
  /** The usage plans that meter allowed requests by the authorizer's usage identifier key. */
  usagePlans: LocalUsagePlans;
  /** Like API Gateway's authorizer result cache: decisions kept per Authorization header and tenantId. 0 turns it off. */
  authorizerCacheTtlSeconds: number;
  /** As in AWS unless a test needs them smaller: each function's timeout, API Gateway's integration timeout, Lambda's response limit. */
  functionTimeoutMs?: number;
  integrationTimeoutMs?: number;
  lambdaResponseLimitBytes?: number;
  /** Public pages served without authentication (the issuer's keys, the API reference): path to content type and body. */
  pages?: Record<string, { contentType: string; body: string | Buffer }>;
}

export interface RunningGateway {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

interface Match {
  route: Route;
  pathParameters: Record<string, string>;
}

const compiled = ROUTES.map((route) => ({ route: route as Route, segments: route.path.split('/').slice(1) }));

function match(method: string, pathname: string): Match | undefined {
  const segments = pathname.replace(/\/$/, '').split('/').slice(1);
  for (const { route, segments: template } of compiled) {
    if (route.method !== method || template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const matches = template.every((part, index) => {
      const actual = segments[index] as string;
      if (part.startsWith('{')) {
        if (actual === '') return false;
        pathParameters[part.slice(1, -1)] = decodeURIComponent(actual);
        return true;
      }
      return part === actual;
    });
    if (matches) return { route, pathParameters };
  }
  return undefined;
}

async function loadHandler<T>(entry: string): Promise<T> {
  const module = (await import(pathToFileURL(resolve(PROJECT_ROOT, entry)).href)) as { handler: T };
  return module.handler;
}

function lambdaContext(functionName: string, timeoutMs = FUNCTION_TIMEOUT_SECONDS * 1000): Context {
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

function send(response: ServerResponse, statusCode: number, body: string, headers: Record<string, string | number | boolean> = {}): void {
  response.writeHead(statusCode, { 'Content-Type': 'application/json', ...headers });
  response.end(body);
}

const sendMessage = (response: ServerResponse, statusCode: number, message: string, headers: Record<string, string> = {}): void =>
  send(response, statusCode, JSON.stringify({ message }), headers);

/** Reads the body; undefined when it exceeds what API Gateway accepts. */
async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > GATEWAY_MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
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
 * IAM's `*` wildcard (any run of characters), matched greedily with backtracking to the last star:
 * at most pattern × value steps. A regular expression built from the pattern would embed the request
 * path, and a path of stars would make its matching exponential.
 */
export function wildcardMatches(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let star = -1;
  let resumeAt = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      resumeAt = v;
    } else if (p < pattern.length && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (star !== -1) {
      p = star + 1;
      v = ++resumeAt;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A header as API Gateway reads an identity source: by name, whatever its case. */
function headerNamed(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** Evaluates the authorizer's policy for this method ARN as API Gateway does: an explicit Deny wins. */
function policyAllows(result: APIGatewayAuthorizerResult, methodArn: string): boolean {
  let allowed = false;
  for (const statement of result.policyDocument.Statement) {
    const resources: string[] =
      'Resource' in statement ? [statement.Resource].flat().filter((r): r is string => typeof r === 'string') : [];
    if (!resources.some((resource) => wildcardMatches(resource, methodArn))) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
}

/**
 * A local stand-in for the API Gateway REST API, built from the same route table as the CDK stack:
 * it matches the route, runs the same REQUEST authorizer (caching its decisions the same way), evaluates its policy, meters the request
 * against the tenant's usage plan, and invokes the same handler module with a REST proxy event, as
 * API Gateway would.
 */
export async function startLocalGateway(options: GatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? '127.0.0.1';
  const functionTimeoutMs = options.functionTimeoutMs ?? FUNCTION_TIMEOUT_SECONDS * 1000;
  const integrationTimeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_SECONDS * 1000;
  const lambdaResponseLimitBytes = options.lambdaResponseLimitBytes ?? LAMBDA_RESPONSE_LIMIT_BYTES;
  const authorizer = await loadHandler<AuthorizerHandler>(AUTHORIZER_ENTRY);
  const handlers = new Map<string, ProxyHandler>();
  const decisions = new Map<string, { decision: APIGatewayAuthorizerResult; until: number }>();
  for (const route of ROUTES) handlers.set(route.operation, await loadHandler<ProxyHandler>(route.entry));

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const page = method === 'GET' ? options.pages?.[url.pathname] : undefined;
    if (page) {
      response.writeHead(200, { 'Content-Type': page.contentType });
      response.end(page.body);
      return;
    }
    let found: Match | undefined;
    try {
      found = match(method, url.pathname);
    } catch {
      sendMessage(response, 400, `Malformed URL path: ${url.pathname}`);
      return;
    }
    if (!found) {
      sendMessage(response, 404, `No operation matches ${method} ${url.pathname}`);
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      // The rest of the body is never read: answer, then close the connection.
      sendMessage(response, 413, `Request Too Long: API Gateway accepts request bodies up to 10 MB (${GATEWAY_MAX_BODY_BYTES} bytes)`, {
        Connection: 'close',
      });
      return;
    }
    const { route, pathParameters } = found;
    const headers = headersOf(request);
    const query = queryOf(url);
    const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const methodArn = `arn:aws:execute-api:local:000000000000:local/local/${method}${url.pathname}`;
    const requestContext = {
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
    };
    const common = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers: headers.single,
      multiValueHeaders: headers.multi,
      queryStringParameters: query.single,
      multiValueQueryStringParameters: query.multi,
      pathParameters,
      stageVariables: null,
    };

    let decision: APIGatewayAuthorizerResult;
    const authorization = headerNamed(headers.single, 'authorization');
    const cacheKey = `${authorization}\n${pathParameters.tenantId ?? ''}`;
    try {
      // API Gateway refuses a request that lacks an identity source without asking the authorizer.
      if (!authorization) throw new Error(UNAUTHORIZED);
      const cached = decisions.get(cacheKey);
      if (cached && cached.until > Date.now()) {
        decision = cached.decision;
      } else {
        decision = await authorizer(
          { type: 'REQUEST', methodArn, ...common, requestContext } as unknown as APIGatewayRequestAuthorizerEvent,
          lambdaContext('authorizer'),
        );
        if (options.authorizerCacheTtlSeconds > 0) {
          decisions.set(cacheKey, { decision, until: Date.now() + options.authorizerCacheTtlSeconds * 1000 });
        }
      }
    } catch (error) {
      if ((error as Error).message === UNAUTHORIZED) {
        sendMessage(response, 401, UNAUTHORIZED_MESSAGE, { 'WWW-Authenticate': 'Bearer' });
      } else {
        sendMessage(response, 500, `Internal server error (request id ${requestId})`);
      }
      return;
    }
    if (!policyAllows(decision, methodArn)) {
      const reason = decision.context?.reason;
      sendMessage(response, 403, typeof reason === 'string' ? reason : 'User is not authorized to access this resource');
      return;
    }
    // API keys are required and come from the authorizer (apiKeySourceType AUTHORIZER).
    const admission = decision.usageIdentifierKey ? await options.usagePlans.admit(decision.usageIdentifierKey) : undefined;
    if (!admission) {
      sendMessage(response, 403, 'Forbidden: no API key of a usage plan is associated with this tenant');
      return;
    }
    if (!admission.admitted) {
      sendMessage(response, 429, admission.message, { 'Retry-After': String(admission.retryAfterSeconds) });
      return;
    }
    requestContext.authorizer = { ...decision.context, principalId: decision.principalId, integrationLatency: 0 };

    const event = {
      ...common,
      requestContext,
      body: body.length > 0 ? body.toString('utf8') : null,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEvent;
    const handler = handlers.get(route.operation) as ProxyHandler;
    let result: APIGatewayProxyResult;
    const timers: NodeJS.Timeout[] = [];
    const after = <T extends string>(ms: number, outcome: T) =>
      new Promise<T>((resolveAfter) => timers.push(setTimeout(() => resolveAfter(outcome), ms)));
    try {
      const outcome = await Promise.race([
        handler(event, lambdaContext(route.operation, functionTimeoutMs)),
        after(functionTimeoutMs, 'function timed out'),
        after(integrationTimeoutMs, 'integration timed out'),
      ]);
      if (outcome === 'function timed out') {
        // Lambda stops the function; API Gateway answers 502. Locally the reason is named.
        sendMessage(response, 502, `Internal server error: the function ran past its ${functionTimeoutMs} ms timeout`);
        return;
      }
      if (outcome === 'integration timed out') {
        sendMessage(response, 504, 'Endpoint request timed out');
        return;
      }
      result = outcome;
    } catch {
      sendMessage(response, 502, `Internal server error (request id ${requestId})`);
      return;
    } finally {
      for (const timer of timers) clearTimeout(timer);
    }
    const payloadBytes = Buffer.byteLength(JSON.stringify(result));
    if (payloadBytes > lambdaResponseLimitBytes) {
      // Lambda refuses the response and API Gateway answers 502; locally the reason is named.
      sendMessage(
        response,
        502,
        `Internal server error: the function's response is ${payloadBytes} bytes, past Lambda's limit of ${lambdaResponseLimitBytes}`,
      );
      return;
    }
    send(response, result.statusCode, result.body, {
      ...(result.headers as Record<string, string>),
      'x-amzn-RequestId': requestId,
    });
  };

  const server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) sendMessage(response, 500, 'Internal server error');
      else response.end();
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolveListen());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${host}:${port}`,
    server,
    stop: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
