import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { type AuthorizerContext, tenantsOf, tokenExpired } from '../../auth/authorizer-context.ts';
import { TENANT_ID_PATTERN } from '../../domain/billing-run-action.ts';
import { type Caller, type Scope, scopeGranted } from '../../domain/caller.ts';
import { Forbidden, Unauthenticated, ValidationFailed } from '../../domain/errors.ts';
import { type HttpEvent, type HttpResult, headerOf } from '../http-event.ts';

export const TOKEN_EXPIRED_MESSAGE = 'Unauthorized: the bearer token has expired';

export type CallerContext = Context & { caller?: Caller };

/**
 * Enforces tenant and scope again from the authorizer's output (defence in depth: the authorizer's
 * result is cached per token and tenant, the scope depends on the operation) and puts the Caller on
 * the context. Every storage key is later built from `caller.tenantId`.
 */
export function authorization(scope: Scope): middy.MiddlewareObj<HttpEvent, HttpResult, Error, CallerContext> {
  return {
    before: ({ event, context }) => {
      const tenantId = event.pathParameters?.tenantId ?? '';
      if (!TENANT_ID_PATTERN.test(tenantId)) {
        throw new ValidationFailed(`Invalid tenantId '${tenantId}'`, {
          details: [{ path: 'tenantId', message: `must match ${TENANT_ID_PATTERN.source}` }],
        });
      }
      const authorizer = (event.requestContext.authorizer ?? {}) as Partial<AuthorizerContext>;
      if (!authorizer.principalId) throw new Unauthenticated();
      if (tokenExpired(authorizer, Date.now())) throw new Unauthenticated(TOKEN_EXPIRED_MESSAGE);
      if (!tenantsOf(authorizer).includes(tenantId)) {
        throw new Forbidden(`The token does not grant access to tenant '${tenantId}'`);
      }
      if (!scopeGranted((authorizer.scope ?? '').split(' '), scope)) {
        throw new Forbidden(`The token lacks the scope '${scope}' this operation needs`);
      }
      context.caller = {
        principal: authorizer.principalId,
        tenantId,
        sourceIp: event.requestContext.identity?.sourceIp ?? '',
        userAgent: headerOf(event, 'user-agent') ?? event.requestContext.identity?.userAgent ?? '',
        requestId: context.awsRequestId,
      };
    },
  };
}
