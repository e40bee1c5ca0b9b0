import { startsKept } from '../support/in-memory-starts.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../lambdas/http/handler-factory.ts';
import { ROUTES } from '../../lambdas/routes.ts';
import { dependencies } from '../support/in-memory-repository.ts';

describe('the functions of the route table', () => {
  it('are each built with exactly the dependencies their route entry says they need', () => {
    for (const route of ROUTES) {
      const needs = [
        ...(route.access.startsProcessing ? ['processing'] : []),
        ...('lookup' in route ? ['cursorKeys'] : []),
        ...('bulkLoads' in route.access ? ['bulkLoads'] : []),
        ...('summaries' in route.access ? ['summaries'] : []),
      ];
      const source = readFileSync(route.entry, 'utf8');
      const extras = /resolver\(\{([^}]*)\}\)/.exec(source)?.[1] ?? '';
      const named = extras
        .split(',')
        .map((entry) => entry.split(':')[0]?.trim())
        .filter(Boolean);
      // Fewer does not compile (createHandler's types, checked below); more would bundle a client the function never uses.
      expect({ operation: route.operation, named }).toEqual({ operation: route.operation, named: needs });
    }
    const { processing: _processing, cursorKeys: _cursorKeys, ...commonOnly } = dependencies({} as never);
    const run = async () => ({});
    // @ts-expect-error: patch may start processing (its route entry), so its resolver must give the processor.
    createHandler('patchBillingRunAction', { run }, () => commonOnly);
    // @ts-expect-error: a list must be given the cursor keys.
    createHandler('listBillingRunActionsByBillingRun', { run }, () => commonOnly);
    // @ts-expect-error: a bulk load operation must be given the bulk loads.
    createHandler('startBulkLoad', { run }, () => commonOnly);
    // @ts-expect-error: the run summary must be given the summaries.
    createHandler('getBillingRunSummary', { run }, () => commonOnly);
    expect(typeof createHandler('patchBillingRunAction', { run }, () => ({ ...commonOnly, processing: startsKept() }))).toBe('function');
  });
});
