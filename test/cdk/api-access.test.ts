import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/routes.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);

describe('who may call the API, and how often', () => {
  it('puts the REQUEST authorizer in front of every method, with API keys from the authorizer', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER', BinaryMediaTypes: ['*/*'] });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization,method.request.path.tenantId',
      AuthorizerResultTtlInSeconds: 300,
    });
    const methods = ofType(template, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(ROUTES.length);
    for (const [, method] of methods) expect(method.Properties).toMatchObject({ AuthorizationType: 'CUSTOM', ApiKeyRequired: true });
    expect(methods.map(([, method]) => method.Properties.OperationName).sort()).toEqual(ROUTES.map((route) => route.operation).sort());
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });

  it('has one usage plan per tier with the tiers’ limits, attached to the stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'BillingRunActions-basic',
      Throttle: { RateLimit: 10, BurstLimit: 20 },
      Quota: { Limit: 1_000_000, Period: 'MONTH' },
      ApiStages: [Match.objectLike({ Stage: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: 'BillingRunActions-standard',
      Throttle: { RateLimit: 50, BurstLimit: 100 },
    });
    const premium = ofType(template, 'AWS::ApiGateway::UsagePlan').find(
      ([, plan]) => plan.Properties.UsagePlanName === 'BillingRunActions-premium',
    );
    expect(premium?.[1].Properties).toMatchObject({ Throttle: { RateLimit: 200, BurstLimit: 400 } });
    expect(premium?.[1].Properties.Quota).toBeUndefined();
    for (const output of ['TableName', 'TenantsTableName', 'UsagePlanIdBasic', 'UsagePlanIdStandard', 'UsagePlanIdPremium'])
      template.hasOutput(output, {});
  });
});
