import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNAUTHORIZED_MESSAGE, templateSafe } from '../../lambdas/auth/authorize-request.ts';
import { GATEWAY_RESPONSES, TEMPLATE_VARIABLES, renderGatewayResponse } from '../../lib/stack/gateway-response-templates.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const stack = synth(NO_BUNDLING).template;
const responses = ofType(stack, 'AWS::ApiGateway::GatewayResponse').map(
  ([, resource]) =>
    [resource.Properties.ResponseType as string, resource.Properties.ResponseTemplates['application/json'] as string] as const,
);

/** HTTP method tokens (RFC 9110): what `$context.httpMethod` can hold. */
const methodToken = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/);

describe('the gateway’s own answers', () => {
  it('are the templates the local gateway renders, one per response type the stack sets', () => {
    expect(Object.fromEntries(responses)).toEqual(
      Object.fromEntries(Object.entries(GATEWAY_RESPONSES).map(([type, response]) => [type, response.template])),
    );
  });

  it('use substitution only, as API Gateway (no VTL: no directives, no $util, no variable but the safe ones)', () => {
    for (const [type, template] of responses) {
      expect(template, type).not.toMatch(/#(if|set|else|end|foreach|\{)/);
      expect(template, type).not.toContain('$util');
      const variables = template.match(/\$[\w.]+/g) ?? [];
      for (const variable of variables) expect(TEMPLATE_VARIABLES, `${type}: ${variable}`).toContain(variable);
    }
  });

  it('render as {"message"} JSON whatever the error message, the authorizer’s reason or the method hold', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), methodToken, (message, reason, httpMethod) => {
        for (const [type, template] of responses) {
          const values = {
            requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
            httpMethod,
            errorMessage: message,
            authorizerReason: templateSafe(reason),
          };
          const body = JSON.parse(renderGatewayResponse(template, values)) as { message: string };
          expect(body, type).toEqual({ message: expect.any(String) });
          if (type === 'ACCESS_DENIED') expect(body.message).toBe(templateSafe(reason));
          if (type === 'DEFAULT_4XX') expect(body.message).toBe(message);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keep single quotes in the authorizer’s reason, and never substitute into a substituted value', () => {
    const [, template] = responses.find(([type]) => type === 'ACCESS_DENIED') ?? [];
    const values = { requestId: 'r', httpMethod: 'GET', errorMessage: 'x', authorizerReason: "tenant 'acme' ($context.requestId)" };
    expect(JSON.parse(renderGatewayResponse(template as string, values))).toEqual({ message: "tenant 'acme' ($context.requestId)" });
  });

  it('keeps the {"message"} shape in the gateway’s own 401, 403 and 429 answers', () => {
    const response = (type: string) =>
      ofType(stack, 'AWS::ApiGateway::GatewayResponse').find(([, r]) => r.Properties.ResponseType === type)?.[1].Properties;
    expect(response('UNAUTHORIZED')).toMatchObject({
      StatusCode: '401',
      ResponseTemplates: { 'application/json': JSON.stringify({ message: UNAUTHORIZED_MESSAGE }) },
      ResponseParameters: { 'gatewayresponse.header.WWW-Authenticate': "'Bearer'" },
    });
    expect(response('ACCESS_DENIED')?.ResponseTemplates['application/json']).toContain('$context.authorizer.reason');
    expect(response('THROTTLED')).toMatchObject({
      StatusCode: '429',
      ResponseTemplates: { 'application/json': '{"message":"Too Many Requests"}' },
    });
    expect(response('QUOTA_EXCEEDED')).toMatchObject({
      StatusCode: '429',
      ResponseTemplates: { 'application/json': '{"message":"Limit Exceeded"}' },
    });
    expect(response('THROTTLED')?.ResponseParameters['gatewayresponse.header.Retry-After']).toBeDefined();
  });
});
