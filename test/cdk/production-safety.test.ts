import { readFileSync } from 'node:fs';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
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

describe('the issuer as CloudFormation parameters', () => {
  const authorizerVariables = (synthesized: ReturnType<typeof synth>) =>
    ofType(synthesized.template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('AuthorizerFunction'))?.[1].Properties.Environment
      .Variables;

  it('has no default without context, so the template cannot deploy with a placeholder issuer', () => {
    const bare = synth({ ...NO_BUNDLING, issuer: undefined, jwksUrl: undefined });
    const parameters = bare.template.toJSON().Parameters;
    expect(parameters.Issuer).toMatchObject({ Type: 'String', MinLength: 1 });
    expect(parameters.Issuer.Default).toBeUndefined();
    expect(parameters.JwksUrl).toMatchObject({ Type: 'String', AllowedPattern: '^https://\\S+$' });
    expect(parameters.JwksUrl.Default).toBeUndefined();
    expect(authorizerVariables(bare)).toMatchObject({ JWT_ISSUER: { Ref: 'Issuer' }, JWKS_URL: { Ref: 'JwksUrl' } });
  });

  it('takes its defaults from context, and refuses a JWKS URL that is not HTTPS', () => {
    const parameters = synth({
      ...NO_BUNDLING,
      issuer: 'https://login.example.org/',
      jwksUrl: 'https://login.example.org/jwks',
    }).template.toJSON().Parameters;
    expect(parameters.Issuer.Default).toBe('https://login.example.org/');
    expect(parameters.JwksUrl.Default).toBe('https://login.example.org/jwks');
    expect(() => synth({ ...NO_BUNDLING, jwksUrl: 'http://login.example.org/jwks' })).toThrow(/jwksUrl.*https/);
  });
});

describe('stages', () => {
  /** Physical names the template sets: resource names that must be unique in an account and region. */
  const physicalNames = (synthesized: ReturnType<typeof synth>) =>
    Object.values(synthesized.template.toJSON().Resources as Record<string, { Properties?: Record<string, unknown> }>).flatMap((resource) =>
      Object.entries(resource.Properties ?? {})
        .filter(
          ([key, value]) =>
            /Name$/.test(key) && !['OperationName', 'StageName', 'PolicyName', 'MetricName'].includes(key) && typeof value === 'string',
        )
        .map(([, value]) => value as string),
    );

  it('names the stack after the stage, and two stages share no physical name', () => {
    const dev = synth({ ...NO_BUNDLING, stage: 'dev' });
    const prod = synth({ ...NO_BUNDLING, stage: 'prod' });
    expect(dev.stack.stackName).toBe('BillingRunActions-dev');
    expect(synth(NO_BUNDLING).stack.stackName).toBe('BillingRunActions');
    const devNames = physicalNames(dev);
    expect(devNames).toContain('BillingRunActions-dev-basic');
    expect(devNames.filter((name) => physicalNames(prod).includes(name))).toEqual([]);
    expect(() => synth({ ...NO_BUNDLING, stage: 'no spaces' })).toThrow(/stage/);
  });
});

describe('the stage’s guards', () => {
  it('throttles every method by default above the largest tier, before the authorizer', () => {
    const [, stage] = ofType(template, 'AWS::ApiGateway::Stage')[0] ?? [];
    expect(stage?.Properties.MethodSettings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 }),
      ]),
    );
    expect(() => synth({ ...NO_BUNDLING, stageThrottle: { rateLimit: 100, burstLimit: 2000 } })).toThrow(/at least the largest tier/);
  });

  it('puts AWS WAF in front of the stage: a per-IP rate rule and the AWS managed common rule set', () => {
    const [[aclId, acl] = []] = ofType(template, 'AWS::WAFv2::WebACL');
    expect(acl?.Properties).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
    const rules = acl?.Properties.Rules as { Name: string; Statement: Record<string, any> }[];
    expect(rules.map((rule) => rule.Name)).toEqual(['RateLimitPerClientIp', 'AWSManagedRulesCommonRuleSet']);
    expect(rules[0]?.Statement.RateBasedStatement).toMatchObject({ Limit: 300_000, AggregateKeyType: 'IP' });
    expect(rules[1]?.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' });
    const [, association] = ofType(template, 'AWS::WAFv2::WebACLAssociation')[0] ?? [];
    expect(association?.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
    expect(JSON.stringify(association?.Properties.ResourceArn)).toContain('/stages/');
  });

  it('leaves WAF out with -c waf=false', () => {
    const without = synth({ ...NO_BUNDLING, waf: 'false' });
    expect(ofType(without.template, 'AWS::WAFv2::WebACL')).toEqual([]);
    expect(without.report.pluginReports).toEqual([]);
  });
});

describe('processing never left stuck', () => {
  const definition = () => {
    const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    const parts = machine?.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')) as {
      States: Record<string, Record<string, any>>;
    };
  };

  it('defaults a failure’s Error and Cause before writing error, so a bare failure cannot raise States.Runtime', () => {
    const { States: states } = definition();
    const dispatch = states['Dispatch and wait for the worker'];
    expect(dispatch?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Failure defaults' }]);
    expect(states['Failure defaults']).toMatchObject({ Type: 'Pass', ResultPath: '$.failureDefaults', Next: 'Failure fields' });
    expect(states['Failure fields']?.Parameters['failure.$']).toBe('States.JsonMerge($.failureDefaults, $.failure, false)');
    expect(states['Failure fields']?.Next).toBe('Write error');
  });

  it('drops a record from the sweep’s index with every write-back, and treats a reported processing as an error', () => {
    const { States: states } = definition();
    const writes = Object.entries(states).filter(([, state]) => JSON.stringify(state.Resource ?? '').includes('dynamodb:updateItem'));
    expect(writes.length).toBeGreaterThanOrEqual(5);
    for (const [, state] of writes) {
      expect(state.Parameters.UpdateExpression).toMatch(
        / REMOVE tenant_processing_key, tenant_processing_since, processing_shard, processing_since$/,
      );
    }
    expect(JSON.stringify(states['Outcome reported?']?.Choices[0])).toContain('"StringEquals":"processing"');
    expect(states['Outcome reported?']?.Choices[0].Next).toBe('Write unfinished error');
  });

  it('sweeps every 15 minutes with the processor timeout plus six hours (its margin, the queue of starts), reading the processing indexes only', () => {
    const [, rule] = ofType(template, 'AWS::Events::Rule').find(([id]) => id.startsWith('SweepSchedule')) ?? [];
    expect(rule?.Properties.ScheduleExpression).toBe('rate(15 minutes)');
    expect(functionOf('SweepStuckProcessing')?.Properties.Environment.Variables.STUCK_AFTER_MINUTES).toBe(String(30 * 60));
    const statements = policyOf('SweepStuckProcessing')?.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[];
    const table = statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));
    // Its records read and put back, and places of ended executions closed; the two processing indexes queried; the tenants listed (their registry's Scan).
    expect(table.map((statement) => statement.Action)).toEqual([
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      'dynamodb:Query',
      'dynamodb:Scan',
    ]);
    const indexes = JSON.stringify(table[1]?.Resource);
    expect(indexes).toContain('/index/byTenantProcessing');
    expect(indexes).toContain('/index/byProcessingSince');
    expect(JSON.stringify(table[2]?.Resource)).toContain('Tenants');
  });
});

describe('the CDK app’s feature flags', () => {
  it('sets every flag aws-cdk-lib recommends for a new app, but additional metadata collection (left off)', () => {
    const context = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;
    const differing = Object.entries(CURRENTLY_RECOMMENDED_FLAGS)
      .filter(([flag, value]) => JSON.stringify(context[flag]) !== JSON.stringify(value))
      .map(([flag]) => flag);
    expect(differing).toEqual(['@aws-cdk/core:enableAdditionalMetadataCollection']);
    expect(context['@aws-cdk/aws-apigateway:authorizerChangeDeploymentLogicalId']).toBe(true);
    expect(context['@aws-cdk/core:checkSecretUsage']).toBe(true);
  });
});
