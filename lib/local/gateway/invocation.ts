import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { GatewayAnswer } from './answers.ts';
import { lambdaContext } from './proxy-event.ts';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

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
  const timers: NodeJS.Timeout[] = [];
  const after = <T extends string>(ms: number, outcome: T) =>
    new Promise<T>((resolveAfter) => timers.push(setTimeout(() => resolveAfter(outcome), ms)));
  let outcome: APIGatewayProxyResult | 'function timed out' | 'integration timed out';
  try {
    outcome = await Promise.race([
      handler(event, lambdaContext(functionName, limits.functionTimeoutMs)),
      after(limits.functionTimeoutMs, 'function timed out'),
      after(limits.integrationTimeoutMs, 'integration timed out'),
    ]);
  } catch {
    throw new GatewayAnswer(502, `Internal server error (request id ${requestId})`);
  } finally {
    for (const timer of timers) clearTimeout(timer);
  }
  if (outcome === 'function timed out') {
    throw new GatewayAnswer(502, `Internal server error: the function ran past its ${limits.functionTimeoutMs} ms timeout`);
  }
  if (outcome === 'integration timed out') throw new GatewayAnswer(504, 'Endpoint request timed out');
  const payloadBytes = Buffer.byteLength(JSON.stringify(outcome));
  if (payloadBytes > limits.lambdaResponseLimitBytes) {
    throw new GatewayAnswer(
      502,
      `Internal server error: the function's response is ${payloadBytes} bytes, past Lambda's limit of ${limits.lambdaResponseLimitBytes}`,
    );
  }
  return outcome;
}
