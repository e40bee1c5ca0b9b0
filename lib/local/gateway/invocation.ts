import { InvokeStore } from '@aws/lambda-invoke-store';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { GatewayAnswer } from './answers.ts';
import { lambdaContext } from './proxy-event.ts';

/**
 * Lambda's multi-concurrency mode, as the local gateway runs every function in one process with many
 * requests at once: each invocation runs in its own InvokeStore context (an AsyncLocalStorage), which
 * Powertools' Logger and Metrics use to keep one invocation's keys and metrics from another's.
 */
process.env.AWS_LAMBDA_MAX_CONCURRENCY ??= '1000';
const invokeStore = await InvokeStore.getInstanceAsync(true);
const REQUEST_ID = Symbol.for('_AWS_LAMBDA_REQUEST_ID');

/** Runs one invocation in its own InvokeStore context, under its Lambda request id. */
export function inInvocation<T>(context: Context, run: () => Promise<T>): Promise<T> {
  return invokeStore.run({ [REQUEST_ID]: context.awsRequestId }, run);
}

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/**
 * Lambda's limit on a synchronous invocation's request payload (6 MB, as for its response): the event,
 * whose body API Gateway hands on base64-encoded, so a body past about 4.5 MB cannot reach a function.
 * API Gateway answers the refused invocation itself; the functions would refuse the body anyway (256 KiB).
 */
const LAMBDA_REQUEST_LIMIT_BYTES = 6 * 1024 * 1024;

/** The limits Lambda and API Gateway put on one invocation. */
export interface InvocationLimits {
  functionTimeoutMs: number;
  integrationTimeoutMs: number;
  lambdaResponseLimitBytes: number;
}

/**
 * Invokes a function as Lambda behind API Gateway would: past the function's timeout, or with a thrown
 * error, API Gateway answers 502; past the integration timeout, 504; a response over Lambda's payload
 * limit is refused (502). Locally, the 502s name their reason.
 */
export async function invoke(
  handler: ProxyHandler,
  event: APIGatewayProxyEvent,
  functionName: string,
  limits: InvocationLimits,
  requestId: string,
): Promise<APIGatewayProxyResult> {
  // Headers and the rest of an event are bounded (Node takes 16 KB of headers): only a large body can pass the limit.
  const eventBytes = (event.body?.length ?? 0) > LAMBDA_REQUEST_LIMIT_BYTES / 2 ? Buffer.byteLength(JSON.stringify(event)) : 0;
  if (eventBytes > LAMBDA_REQUEST_LIMIT_BYTES) {
    throw GatewayAnswer.of(
      'DEFAULT_4XX',
      `Request Too Long: as the function's event (its body base64-encoded) the request is ${eventBytes} bytes, past Lambda's invocation limit of ${LAMBDA_REQUEST_LIMIT_BYTES}`,
      413,
    );
  }
  const timers: NodeJS.Timeout[] = [];
  const after = <T extends string>(ms: number, outcome: T) =>
    new Promise<T>((resolveAfter) => timers.push(setTimeout(() => resolveAfter(outcome), ms)));
  let outcome: APIGatewayProxyResult | 'function timed out' | 'integration timed out';
  try {
    outcome = await Promise.race([
      (() => {
        const context = lambdaContext(functionName, limits.functionTimeoutMs);
        return inInvocation(context, () => handler(event, context));
      })(),
      after(limits.functionTimeoutMs, 'function timed out'),
      after(limits.integrationTimeoutMs, 'integration timed out'),
    ]);
  } catch {
    throw GatewayAnswer.of('DEFAULT_5XX', `The function failed (request id ${requestId})`, 502);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  if (outcome === 'function timed out') {
    throw GatewayAnswer.of('DEFAULT_5XX', `The function ran past its ${limits.functionTimeoutMs} ms timeout`, 502);
  }
  if (outcome === 'integration timed out') throw GatewayAnswer.of('DEFAULT_5XX', 'Endpoint request timed out', 504);
  const payloadBytes = Buffer.byteLength(JSON.stringify(outcome));
  if (payloadBytes > limits.lambdaResponseLimitBytes) {
    throw GatewayAnswer.of(
      'DEFAULT_5XX',
      `The function's response is ${payloadBytes} bytes, past Lambda's limit of ${limits.lambdaResponseLimitBytes}`,
      502,
    );
  }
  return outcome;
}
