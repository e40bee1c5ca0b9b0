import { describe, expect, it } from 'vitest';
import { STATUS_INDEXES, STATUS_INDEX_ORDER } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const recordsIndexes = (context: Record<string, unknown>): string[] => {
  const { template } = synth({ ...NO_BUNDLING, ...context });
  const [, table] = ofType(template, 'AWS::DynamoDB::Table').find(([id]) => id.startsWith('Records')) ?? [];
  return (table?.Properties.GlobalSecondaryIndexes as { IndexName: string }[]).map((index) => index.IndexName);
};

/**
 * A stack deployed before the status lists gains their four indexes one a deploy (CloudFormation adds
 * one global secondary index per update): context statusIndexes says how many it has, in
 * STATUS_INDEX_ORDER; a list whose index is not there yet refuses `?status=` (its function's STATUS_LISTS).
 */
describe('the status indexes, added one a deploy to a stack deployed before them', () => {
  it('has all four by default, the first n with statusIndexes=n, and refuses another number', () => {
    const statusNames = (names: string[]) => names.filter((name) => name.endsWith('Status'));
    expect(statusNames(recordsIndexes({}))).toHaveLength(4);
    expect(statusNames(recordsIndexes({ statusIndexes: 1 }))).toEqual([STATUS_INDEXES[STATUS_INDEX_ORDER[0] as 'billingRun'].indexName]);
    expect(statusNames(recordsIndexes({ statusIndexes: '0' }))).toEqual([]);
    expect(() => synth({ ...NO_BUNDLING, statusIndexes: 5 })).toThrow(/statusIndexes/);
  });

  it('tells a list whose status index is not there yet to refuse ?status=, and grants it no Query of the missing index', () => {
    const { template } = synth({ ...NO_BUNDLING, statusIndexes: 1 });
    const functionOf = (operation: string) => ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(operation))?.[1];
    expect(functionOf('listBillingRunActionsByBillingRun')?.Properties.Environment.Variables.STATUS_LISTS).toBeUndefined();
    expect(functionOf('listBillingRunActionsByCertification')?.Properties.Environment.Variables.STATUS_LISTS).toBe('off');
    const policies = JSON.stringify(ofType(template, 'AWS::IAM::Policy').map(([, policy]) => policy.Properties.PolicyDocument));
    expect(policies).toContain(`/index/${STATUS_INDEXES.billingRun.indexName}`);
    expect(policies).not.toContain(`/index/${STATUS_INDEXES.certification.indexName}`);
  });
});
