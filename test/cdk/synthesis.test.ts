import { CHANGE_STAMP_FIELDS } from '../../lambdas/domain/record-stamp.ts';
import { PARTITION_KEY, RECORD_KEY_FORMAT, recordKey } from '../../lambdas/adapters/dynamodb/table-design.ts';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { proxyEvent } from '../support/api-gateway-event.ts';
import { uniqueName, validBody } from '../support/fixtures.ts';
import { UNAUTHORIZED_MESSAGE } from '../../lambdas/auth/authorize-request.ts';
import { ROUTES } from '../../lambdas/routes.ts';
import { buildApp } from '../../lib/stack/app.ts';
import { BASE_CONTEXT, NO_BUNDLING, invokeBundle, ofType, synth, tableActionsOf } from '../support/cdk-synth.ts';

let synthesized: ReturnType<typeof synth>;
let template: Template;
beforeAll(() => {
  synthesized = synth();
  template = synthesized.template;
}, 120_000);
afterAll(() => rmSync(synthesized.outdir, { recursive: true, force: true }));

describe('the CDK stack', () => {
  it('passes every cdk-nag AwsSolutions and ServerlessChecks check (each acknowledgement carries a reason)', () => {
    expect(synthesized.report.pluginReports).toEqual([]);
  });

  it('would fail synthesis on a finding nobody acknowledged', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'bra-cdk-'));
    const { app, stack } = buildApp({ outdir, context: { ...BASE_CONTEXT, ...NO_BUNDLING } });
    new Secret(stack, 'UnacknowledgedSecret');
    expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports[0].violations.map((violation: { ruleName: string }) => violation.ruleName)).toEqual(['AwsSolutions-SMG4']);
    rmSync(outdir, { recursive: true, force: true });
  }, 120_000);

  it('has the records table: on demand, PITR, deletion protection, TTL, the four lookup GSIs, the sweep’s (and test/bulk-load/in-the-stack.test.ts’s)', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([
        ...['byCertification', 'byApplication', 'byTrainingProvider', 'byBillingRun'].map((name) =>
          Match.objectLike({
            IndexName: name,
            KeySchema: [Match.objectLike({ KeyType: 'HASH' }), { AttributeName: 'id', KeyType: 'RANGE' }],
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
        Match.objectLike({
          IndexName: 'byProcessingSince',
          KeySchema: [
            { AttributeName: 'processing_shard', KeyType: 'HASH' },
            { AttributeName: 'processing_since', KeyType: 'RANGE' },
          ],
        }),
      ]),
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'tenant_id', KeyType: 'HASH' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it('has one function per operation, plus the authorizer, the sweep and three bulk load steps, all nodejs24.x on arm64 with tracing and their own log group', () => {
    const functions = ofType(template, 'AWS::Lambda::Function');
    expect(functions).toHaveLength(ROUTES.length + 5);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Handler: expect.stringMatching(/^index\.(handler|prepare|chunk|finish)$/),
      });
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
    }
    for (const [, logs] of ofType(template, 'AWS::Logs::LogGroup')) expect(logs.Properties.RetentionInDays).toBe(30);
  });

  it('grants each function only the table actions its operation needs', () => {
    expect(tableActionsOf(template, 'getBillingRunAction')).toEqual({ Records: ['dynamodb:GetItem'] });
    for (const route of ROUTES.filter((candidate) => candidate.operation.startsWith('list'))) {
      expect(tableActionsOf(template, route.operation)).toEqual({ Records: ['dynamodb:Query'] });
    }
    expect(tableActionsOf(template, 'createBillingRunAction')).toEqual({
      Records: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Tenants: ['dynamodb:UpdateItem'],
    });
    expect(tableActionsOf(template, 'updateBillingRunAction')).toEqual({ Records: ['dynamodb:GetItem', 'dynamodb:PutItem'] });
    expect(tableActionsOf(template, 'deleteBillingRunAction')).toEqual({
      Records: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Tenants: ['dynamodb:UpdateItem'],
    });
    expect(tableActionsOf(template, 'Authorizer')).toEqual({ Tenants: ['dynamodb:GetItem'] });
    // A list function may query its own index and nothing else.
    const [, listPolicy] =
      ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith('listBillingRunActionsByCertificationRole')) ?? [];
    expect(JSON.stringify(listPolicy)).toContain('/index/byCertification');
    expect(JSON.stringify(listPolicy)).not.toContain('/index/byApplication');
  });

  it('wires the processor ARN into the writing functions only, with StartExecution on it alone', () => {
    for (const route of ROUTES) {
      const [, fn] = ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${route.operation}Function`)) ?? [];
      const [, policy] = ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith(`${route.operation}Role`)) ?? [];
      const starts = (policy?.Properties.PolicyDocument.Statement ?? []).filter((statement: { Action: unknown }) =>
        JSON.stringify(statement.Action).includes('states:'),
      );
      if (route.access.startsProcessing) {
        expect(fn?.Properties.Environment.Variables.STATE_MACHINE_ARN, route.operation).toEqual({
          Ref: expect.stringMatching(/^DefaultProcessorStateMachine/),
        });
        expect(starts).toEqual([
          { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: expect.stringMatching(/^DefaultProcessorStateMachine/) } },
        ]);
      } else {
        expect(fn?.Properties.Environment.Variables.STATE_MACHINE_ARN, route.operation).toBeUndefined();
        expect(starts).toEqual([]);
      }
    }
  });

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
    for (const output of ['TenantsTableName', 'UsagePlanIdBasic', 'UsagePlanIdStandard', 'UsagePlanIdPremium'])
      template.hasOutput(output, {});
  });

  it('keeps the {"message"} shape in the gateway’s own 401, 403 and 429 answers', () => {
    const response = (type: string) =>
      ofType(template, 'AWS::ApiGateway::GatewayResponse').find(([, r]) => r.Properties.ResponseType === type)?.[1].Properties;
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

  it('provisions the default processor: EventBridge dispatch with a task token, conditional write-back, errors to error', () => {
    const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    expect(definition).toContain(':states:::events:putEvents.waitForTaskToken');
    expect(definition).toContain('"TimeoutSeconds\\":86400');
    expect(definition).toContain('step_function_execution_arn = :execution');
    expect(definition).toContain('States.ALL');
    expect(definition).toContain('DynamoDB.ConditionalCheckFailedException');
    expect(machine?.Properties.TracingConfiguration).toEqual({ Enabled: true });
    template.resourceCountIs('AWS::Events::EventBus', 1);
  });

  it("writes records back in the storage layer's format: its key, and every field of the change stamp", () => {
    const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    // The definition with the resource ARNs left out: their tokens are not part of what is checked.
    const definition = machine?.Properties.DefinitionString['Fn::Join'][1]
      .map((part: unknown) => (typeof part === 'string' ? part : ''))
      .join('');
    const states = Object.values((JSON.parse(definition) as { States: Record<string, any> }).States).filter((state) =>
      String(state.Resource).includes('dynamodb:updateItem'),
    );
    expect(states.length).toBeGreaterThan(0);
    for (const state of states) {
      expect(state.Parameters.Key[PARTITION_KEY]['S.$']).toBe(`States.Format('${RECORD_KEY_FORMAT}', $.tenantId, $.id)`);
      for (const field of CHANGE_STAMP_FIELDS) expect(state.Parameters.UpdateExpression, field).toContain(`${field} = `);
    }
    expect(recordKey('tenant', 'id')).toBe(RECORD_KEY_FORMAT.replace('{}', 'tenant').replace('{}', 'id'));
  });
});

describe('the bundles CDK deploys', () => {
  it('serve a create and a get against DynamoDB with nothing but their own code', async () => {
    const client = createDocumentClient({ region: 'us-east-1', endpoint: inject('dynamoDbEndpoint') });
    const tables = { tableName: uniqueName('bundle-actions'), tenantsTableName: uniqueName('bundle-tenants') };
    await ensureTables(client, tables);
    await provisionTenant(new DynamoDbTenantRegistry(client, tables.tenantsTableName), 't1');
    client.destroy();
    const environment = {
      TABLE_NAME: tables.tableName,
      TENANTS_TABLE_NAME: tables.tenantsTableName,
      DYNAMODB_ENDPOINT: inject('dynamoDbEndpoint'),
      AWS_REGION: 'us-east-1',
    };
    const created = await invokeBundle(
      synthesized,
      'createBillingRunAction',
      proxyEvent({ method: 'POST', resource: '/billingRunActions/{tenantId}', pathParameters: { tenantId: 't1' }, body: validBody() }),
      environment,
    );
    expect(created.statusCode).toBe(200);
    const id = JSON.parse(created.body).id;
    const read = await invokeBundle(
      synthesized,
      'getBillingRunAction',
      proxyEvent({ method: 'GET', resource: '/billingRunActions/{tenantId}/{id}', pathParameters: { tenantId: 't1', id } }),
      environment,
    );
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body)).toEqual(JSON.parse(created.body));
  }, 60_000);
});
