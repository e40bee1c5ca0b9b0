import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBody } from '../../lambdas/domain/json-body.ts';
import { jsonBody } from '../../lambdas/http/middleware/json-body.ts';

type Outcome = { value: unknown } | { refused: string };

/** A request's body through the HTTP middleware (Middy's parser), as API Gateway hands it: bytes in base64. */
async function asRequestBody(text: string): Promise<Outcome> {
  const request = {
    event: { headers: { 'content-type': 'application/json' }, body: Buffer.from(text).toString('base64'), isBase64Encoded: true },
  };
  try {
    await jsonBody().before?.(request as never);
    return { value: request.event.body };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** A line of a bulk load, through the domain's own rule. */
function asBulkLine(text: string): Outcome {
  try {
    return { value: parseJsonBody(text) };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

describe('a JSON body and a bulk load line', () => {
  const cases = [
    '{"name":"a"}',
    '{"__proto__":{"x":1}}',
    '{"a":{"__proto__":null}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"constructor":{"x":1}}',
    '{"n":1e400,"m":12345678901234567890,"k":0.1}',
    '[1,2,',
    '{"a":1,}',
    '',
    'null',
    '"text"',
  ];

  it.each(cases)('are read by the same rules: %s', async (text) => {
    expect(await asRequestBody(text)).toEqual(asBulkLine(text));
  });

  it('agree on any JSON value and on any text', async () => {
    const texts = fc.oneof(
      fc.json(),
      fc.string(),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'a'), fc.jsonValue()).map((o) => JSON.stringify(o)),
    );
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        expect(await asRequestBody(text)).toEqual(asBulkLine(text));
      }),
      { numRuns: 300 },
    );
  });

  it('refuse the keys that pollute prototypes, and say so', async () => {
    expect(await asRequestBody('{"__proto__":{}}')).toEqual({ refused: expect.stringMatching(/forbidden key/) });
    expect(asBulkLine('{"x":{"constructor":{"prototype":{}}}}')).toEqual({ refused: expect.stringMatching(/forbidden key/) });
  });
});
