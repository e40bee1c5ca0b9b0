import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LOOKUP_INDEXES } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { LOOKUP_TABLE } from '../../lambdas/domain/billing-run-action.ts';
import { ROUTES } from '../../lambdas/routes.ts';

describe('the lookup table (domain/billing-run-action.ts LOOKUP_TABLE): what each lookup is built from', () => {
  it('gives each lookup one list route, at its path, with a handler module of its own', () => {
    for (const lookup of Object.keys(LOOKUP_TABLE) as (keyof typeof LOOKUP_TABLE)[]) {
      const routes = ROUTES.filter((route) => 'lookup' in route && route.lookup === lookup);
      expect(routes, lookup).toHaveLength(1);
      expect(routes[0]?.path).toBe(`/billingRunActions/{tenantId}/${lookup}/{${LOOKUP_TABLE[lookup].field}}`);
      expect(existsSync(new URL(`../../${routes[0]?.entry}`, import.meta.url)), routes[0]?.entry).toBe(true);
    }
  });

  it('keeps the indexes the deployed tables have: their names, keys and shards', () => {
    expect(LOOKUP_INDEXES).toEqual({
      certification: { indexName: 'byCertification', partitionKey: 'certification_key', field: 'certification_id', shards: 1 },
      application: { indexName: 'byApplication', partitionKey: 'application_key', field: 'application_id', shards: 1 },
      trainingProvider: {
        indexName: 'byTrainingProvider',
        partitionKey: 'training_provider_key',
        field: 'training_provider_id',
        shards: 16,
      },
      billingRun: { indexName: 'byBillingRun', partitionKey: 'billing_run_key', field: 'billing_run_id', shards: 16 },
    });
  });
});
