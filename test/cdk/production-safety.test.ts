import { describe, expect, it } from 'vitest';
import { ROUTES, type Route } from '../../lambdas/routes.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);
const functionOf = (operation: string) =>
  ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${operation}Function`))?.[1];
const policyOf = (operation: string) => ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith(`${operation}Role`))?.[1];

describe('the deployed stack’s secrets', () => {
  it('never places the cursor key in a function’s configuration', () => {
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toContain('{{resolve:secretsmanager');
    for (const [, fn] of ofType(template, 'AWS::Lambda::Function')) {
      expect(JSON.stringify(fn.Properties.Environment ?? {})).not.toContain('CURSOR_SECRET"');
    }
  });

  it('lets the four list functions, and only them, read the cursor key at run time', () => {
    const [[secretId] = []] = ofType(template, 'AWS::SecretsManager::Secret');
    for (const route of ROUTES as readonly Route[]) {
      const variables = functionOf(route.operation)?.Properties.Environment.Variables;
      const reads = (policyOf(route.operation)?.Properties.PolicyDocument.Statement ?? []).filter((statement: { Action: unknown }) =>
        JSON.stringify(statement.Action).includes('secretsmanager:'),
      );
      if (route.lookup) {
        expect(variables.CURSOR_SECRET_ARN, route.operation).toEqual({ Ref: secretId });
        expect(variables.CURSOR_KEY_GRACE_HOURS).toBe('24');
        expect(reads).toEqual([{ Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } }]);
      } else {
        expect(variables.CURSOR_SECRET_ARN, route.operation).toBeUndefined();
        expect(reads, route.operation).toEqual([]);
      }
    }
  });
});
