import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { logger } from '../../lambdas/logger.ts';
import { LAMBDA_RESPONSE_LIMIT_BYTES } from '../../lambdas/domain/response-size.ts';
import { LOCAL_UPLOAD_PATH } from '../../lambdas/adapters/local/local-upload-targets.ts';
import { ROUTES } from '../../lambdas/routes.ts';
import { AUTHORIZER_ENTRY } from '../../lambdas/stack-functions.ts';
import { FUNCTION_TIMEOUT_SECONDS, INTEGRATION_TIMEOUT_SECONDS } from '../stack/api-settings.ts';
import { GatewayAnswer, readBody, send, sendAnswer } from './gateway/answers.ts';
import { LocalAuthorizer, integrationContext } from './gateway/authorizer.ts';
import { type InvocationLimits, type ProxyHandler, invoke } from './gateway/invocation.ts';
import { proxyEventOf } from './gateway/proxy-event.ts';
import { decodePathSegment, match } from './gateway/routing.ts';
import type { LocalStageThrottle, LocalUsagePlans } from './usage-plans.ts';
import { type LocalAws, isAwsCall, serveAwsCall } from './processing/aws-endpoint.ts';

const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

export interface GatewayOptions {
  port: number;
  host?: string;
  /** The usage plans that meter allowed requests by the authorizer's usage identifier key. */
  usagePlans: LocalUsagePlans;
  /** The stage's default method throttling, before the authorizer. */
  stageThrottle: LocalStageThrottle;
  /** Like API Gateway's authorizer result cache: decisions kept per Authorization header and tenantId. 0 turns it off. */
  authorizerCacheTtlSeconds: number;
  /** As in AWS unless a test needs them smaller: each function's timeout, API Gateway's integration timeout, Lambda's response limit. */
  functionTimeoutMs?: number;
  integrationTimeoutMs?: number;
  lambdaResponseLimitBytes?: number;
  /** Public pages served without authentication (the issuer's keys, the API reference): path to content type and body. */
  pages?: Record<string, { contentType: string; body: string | Buffer }>;
  /** What S3 is in AWS for a bulk load's file: PUT on its signed upload URL, outside the API. */
  uploads?: { receive(request: IncomingMessage, tenantId: string, loadId: string, query: URLSearchParams): Promise<void> };
  /** What SQS and Step Functions are in AWS for processing: AWS API calls (JSON protocol) the SDK sends to this port. */
  aws?: LocalAws;
}

export interface RunningGateway {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

async function loadHandler<T>(entry: string): Promise<T> {
  const module = (await import(pathToFileURL(resolve(PROJECT_ROOT, entry)).href)) as { handler: T };
  return module.handler;
}

/** Meters the request against the tenant's usage plan by the key the authorizer returned (apiKeySourceType AUTHORIZER). */
async function admit(usagePlans: LocalUsagePlans, usageIdentifierKey: string | undefined): Promise<void> {
  const admission = usageIdentifierKey ? await usagePlans.admit(usageIdentifierKey) : undefined;
  if (!admission) throw GatewayAnswer.of('INVALID_API_KEY', 'No API key of a usage plan is associated with this tenant');
  if (!admission.admitted) throw GatewayAnswer.of(admission.refusal, admission.message);
}

/**
 * A local stand-in for the API Gateway REST API, built from the same route table as the CDK stack.
 * A request goes the way API Gateway takes it: public page or route match, the stage's method throttle, body (10 MB), the REQUEST
 * authorizer (its decisions cached, its policy evaluated), the tenant's usage plan, then the same
 * handler module with a REST proxy event, within Lambda's and API Gateway's limits.
 */
export async function startLocalGateway(options: GatewayOptions): Promise<RunningGateway> {
  const host = options.host ?? '127.0.0.1';
  const limits: InvocationLimits = {
    functionTimeoutMs: options.functionTimeoutMs ?? FUNCTION_TIMEOUT_SECONDS * 1000,
    integrationTimeoutMs: options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_SECONDS * 1000,
    lambdaResponseLimitBytes: options.lambdaResponseLimitBytes ?? LAMBDA_RESPONSE_LIMIT_BYTES,
  };
  const authorizer = new LocalAuthorizer(await loadHandler(AUTHORIZER_ENTRY), options.authorizerCacheTtlSeconds, limits.functionTimeoutMs);
  const handlers = new Map<string, ProxyHandler>();
  for (const route of ROUTES) handlers.set(route.operation, await loadHandler<ProxyHandler>(route.entry));

  const serve = async (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const page =
      request.method === 'GET' && options.pages && Object.hasOwn(options.pages, url.pathname) ? options.pages[url.pathname] : undefined;
    if (page) {
      response.writeHead(200, { 'Content-Type': page.contentType });
      response.end(page.body);
      return;
    }
    if (options.aws && isAwsCall(request, url.pathname)) {
      await serveAwsCall(options.aws, request, response);
      return;
    }
    const upload = url.pathname.startsWith(`${LOCAL_UPLOAD_PATH}/`) ? url.pathname.split('/').slice(2) : undefined;
    if (upload && options.uploads) {
      if (request.method !== 'PUT' || upload.length !== 2) throw new GatewayAnswer(405, 'An upload URL takes a PUT of the file');
      const [tenantId, loadId] = upload.map(decodePathSegment) as [string, string];
      await options.uploads.receive(request, tenantId, loadId, url.searchParams);
      send(response, 200, '', { 'x-amzn-RequestId': requestId });
      return;
    }
    const found = match(request.method ?? 'GET', url.pathname);
    const stageAdmission = options.stageThrottle.admit(found.route.operation);
    if (!stageAdmission.admitted) {
      throw GatewayAnswer.of(stageAdmission.refusal, stageAdmission.message);
    }
    const body = await readBody(request);
    const { event, methodArn } = proxyEventOf(request, url, found, requestId);
    const decision = await authorizer.authorize(event, methodArn);
    await admit(options.usagePlans, decision.usageIdentifierKey ?? undefined);
    event.requestContext.authorizer = { ...integrationContext(decision), integrationLatency: 0 };
    // As API Gateway hands a binary media type (the stack sets every type binary): the client's bytes, base64.
    if (body.length > 0) Object.assign(event, { body: body.toString('base64'), isBase64Encoded: true });
    const handler = handlers.get(found.route.operation) as ProxyHandler;
    const result = await invoke(handler, event as unknown as APIGatewayProxyEvent, found.route.operation, limits, requestId);
    send(response, result.statusCode, result.body, { ...(result.headers as Record<string, string>), 'x-amzn-RequestId': requestId });
  };

  const server = createServer((request, response) => {
    const requestId = randomUUID();
    serve(request, response, requestId).catch((error: unknown) => {
      if (!(error instanceof GatewayAnswer)) logger.error('the local gateway failed', { requestId, error: error as Error });
      const answer = error instanceof GatewayAnswer ? error : GatewayAnswer.of('DEFAULT_5XX', 'Internal server error', 500);
      // API Gateway's answer says no more than its template; the local log says why.
      if (answer.statusCode >= 500)
        logger.warn('the local gateway answered', { requestId, status: answer.statusCode, reason: answer.message });
      if (response.headersSent) response.end();
      else sendAnswer(response, answer, { requestId, httpMethod: request.method ?? '' });
    });
  });
  // A request Node cannot parse (bad chunk framing, a control character in a header) gets the
  // gateway's JSON 400 with a request id, not Node's bare one.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return;
    const body = JSON.stringify({ message: `Bad Request: the request could not be read (${error.code ?? 'malformed'})` });
    socket.end(
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nx-amzn-RequestId: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`,
    );
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
