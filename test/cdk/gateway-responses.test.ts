import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

/**
 * Java's commons-lang `StringEscapeUtils.escapeJavaScript`, which API Gateway's `$util.escapeJavaScript`
 * is: quotes (both kinds), backslash and slash escaped, control and non-ASCII characters as \uXXXX.
 */
function escapeJavaScript(text: string): string {
  const named: Record<string, string> = { '\b': '\\b', '\n': '\\n', '\t': '\\t', '\f': '\\f', '\r': '\\r' };
  const plain: Record<string, string> = { "'": "\\'", '"': '\\"', '\\': '\\\\', '/': '\\/' };
  let out = '';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const char = text[index] as string;
    if (code > 0x7f || (code < 32 && !named[char])) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += named[char] ?? plain[char] ?? char;
  }
  return out;
}

interface GatewayContext {
  'context.authorizer.reason'?: string;
  'context.path': string;
  'context.httpMethod': string;
  'context.requestId': string;
  'context.error.message': string;
}

/**
 * Renders a gateway response template the way API Gateway does, for the forms the stack uses: a
 * variable, `$context.error.messageString` (the message already quoted and escaped for JSON),
 * `$util.escapeJavaScript(v)`, optionally followed by `.replaceAll("\\'","'")` (a Java regex: `\'` back to `'`), and
 * `#if(v)…#{else}…#end`. Any other `$` or `#` form fails the test rather than being guessed at.
 */
function render(template: string, context: GatewayContext): string {
  const value = (name: string): string | undefined => context[name as keyof GatewayContext];
  let out = template.replace(/#if\(\$([\w.]+)\)(.*?)#\{else\}(.*?)#end/gs, (_all, name: string, then: string, otherwise: string) =>
    value(name) ? then : otherwise,
  );
  out = out.replace(/\$util\.escapeJavaScript\(\$([\w.]+)\)(\.replaceAll\("\\\\'","'"\))?/g, (_all, name: string, undo?: string) => {
    const escaped = escapeJavaScript(value(name) ?? '');
    return undo ? escaped.replaceAll("\\'", "'") : escaped;
  });
  out = out.replace(/\$context\.error\.messageString/g, () => JSON.stringify(context['context.error.message']));
  out = out.replace(/\$(context\.(?:path|httpMethod|requestId))\b/g, (_all, name: string) => value(name) ?? '');
  if (/[$#]/.test(out.replace(/"(?:[^"\\]|\\.)*"/g, '')) || /\$(?:util|context)|#(?:if|set|end)/.test(out)) {
    throw new Error(`template form not emulated: ${template}`);
  }
  return out;
}

const responses = ofType(synth(NO_BUNDLING).template, 'AWS::ApiGateway::GatewayResponse').map(
  ([, resource]) =>
    [resource.Properties.ResponseType as string, resource.Properties.ResponseTemplates['application/json'] as string] as const,
);

describe('the gateway’s own answers', () => {
  it('are valid {"message"} JSON whatever the path, the authorizer’s reason or the error message hold', () => {
    expect(responses.length).toBeGreaterThanOrEqual(10);
    fc.assert(
      fc.property(
        fc.option(fc.string({ unit: 'binary' }), { nil: undefined }),
        fc.string({ unit: 'binary' }),
        fc.string({ unit: 'binary' }),
        (reason, path, message) => {
          for (const [type, template] of responses) {
            const context = {
              'context.authorizer.reason': reason,
              'context.path': `/${path}`,
              'context.httpMethod': 'GET',
              'context.requestId': 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
              'context.error.message': message,
            };
            const body = JSON.parse(render(template, context)) as unknown;
            expect(body, type).toEqual({ message: expect.any(String) });
            const shown = (body as { message: string }).message;
            if (type === 'ACCESS_DENIED') expect(shown).toBe(reason || 'Forbidden');
            if (type === 'MISSING_AUTHENTICATION_TOKEN') expect(shown).toContain(`/${path}`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keep quotes in the authorizer’s reason as they are', () => {
    const [, template] = responses.find(([type]) => type === 'ACCESS_DENIED') ?? [];
    const rendered = render(template as string, {
      'context.authorizer.reason': "The token does not grant access to tenant 'acme'",
      'context.path': '/',
      'context.httpMethod': 'GET',
      'context.requestId': 'r',
      'context.error.message': 'User is not authorized',
    });
    expect(JSON.parse(rendered)).toEqual({ message: "The token does not grant access to tenant 'acme'" });
  });
});
