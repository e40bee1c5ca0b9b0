import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { UNAUTHORIZED, UNAUTHORIZED_MESSAGE } from '../../../lambdas/auth/authorize-request.ts';
import { GatewayAnswer } from './answers.ts';
import { inInvocation } from './invocation.ts';
import { headerNamed, lambdaContext } from './proxy-event.ts';

/** API Gateway's 401: no Authorization header, or the authorizer said Unauthorized. */
const unauthorized = (): GatewayAnswer => GatewayAnswer.of('UNAUTHORIZED', UNAUTHORIZED_MESSAGE);

type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context: Context) => Promise<APIGatewayAuthorizerResult>;

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
 * The authorizer's context as API Gateway hands it to a proxy integration: strings, numbers and booleans,
 * each turned into a string; any other value makes the decision a configuration error (500).
 */
export function integrationContext(decision: APIGatewayAuthorizerResult): Record<string, string> {
  const context: Record<string, string> = {};
  for (const [key, value] of Object.entries(decision.context ?? {})) {
    if (value === null || value === undefined) continue;
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw GatewayAnswer.of(
        'AUTHORIZER_CONFIGURATION_ERROR',
        `The authorizer's context holds a ${typeof value} (${key}); only strings, numbers and booleans are allowed`,
      );
    }
    context[key] = String(value);
  }
  return { ...context, principalId: decision.principalId };
}

/**
 * The REQUEST authorizer as API Gateway runs it: no Authorization header is a 401 without asking it;
 * its decisions are cached per Authorization header and tenantId for the TTL; its policy decides.
 */
export class LocalAuthorizer {
  private readonly handler: AuthorizerHandler;
  private readonly cacheTtlSeconds: number;
  private readonly timeoutMs: number;
  private readonly decisions = new Map<string, { decision: APIGatewayAuthorizerResult; until: number }>();

  constructor(handler: AuthorizerHandler, cacheTtlSeconds: number, timeoutMs: number) {
    this.handler = handler;
    this.cacheTtlSeconds = cacheTtlSeconds;
    this.timeoutMs = timeoutMs;
  }

  /** The allowing decision for the request, or the 401, 403 or 500 API Gateway would answer. */
  async authorize(
    event: { headers: Record<string, string>; pathParameters: Record<string, string> },
    methodArn: string,
  ): Promise<APIGatewayAuthorizerResult> {
    const authorization = headerNamed(event.headers, 'authorization');
    if (!authorization) throw unauthorized();
    const decision = await this.decide(`${authorization}\n${event.pathParameters.tenantId ?? ''}`, {
      type: 'REQUEST',
      methodArn,
      ...event,
    });
    if (!policyAllows(decision, methodArn)) {
      const reason = decision.context?.reason;
      throw GatewayAnswer.of('ACCESS_DENIED', typeof reason === 'string' ? reason : '');
    }
    return decision;
  }

  private async decide(cacheKey: string, event: object): Promise<APIGatewayAuthorizerResult> {
    const cached = this.decisions.get(cacheKey);
    if (cached && cached.until > Date.now()) return cached.decision;
    let decision: APIGatewayAuthorizerResult;
    let timer: NodeJS.Timeout | undefined;
    try {
      const context = lambdaContext('authorizer', this.timeoutMs);
      // The function's timeout holds for the authorizer too: past it API Gateway gives up on it.
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(Object.assign(new Error('The authorizer ran past its timeout'), { name: 'TimeoutError' })),
          this.timeoutMs,
        );
      });
      decision = await Promise.race([
        inInvocation(context, () => this.handler(event as APIGatewayRequestAuthorizerEvent, context)),
        deadline,
      ]);
    } catch (error) {
      if ((error as Error).message === UNAUTHORIZED) throw unauthorized();
      // API Gateway's AUTHORIZER_FAILURE, which the stack answers as 503 (for example: the issuer is down).
      throw GatewayAnswer.of('AUTHORIZER_FAILURE', `The authorizer failed: ${(error as Error).name}`);
    } finally {
      clearTimeout(timer);
    }
    if (this.cacheTtlSeconds > 0) this.decisions.set(cacheKey, { decision, until: Date.now() + this.cacheTtlSeconds * 1000 });
    return decision;
  }
}
