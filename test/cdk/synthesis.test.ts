import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/document-client.ts';
import { DynamoDbTenantRegistry } from '../../lambdas/adapters/dynamodb/dynamodb-tenant-registry.ts';
import { ensureTables } from '../../lib/local/tables.ts';
import { provisionTenant } from '../../lib/tenants/tenant-provisioning.ts';
import { buildApp } from '../../lib/stack/app.ts';
import { proxyEvent } from '../../testkit/api-gateway-event.ts';
import { uniqueName } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { BASE_CONTEXT, NO_BUNDLING, invokeBundle, synth } from '../support/cdk-synth.ts';

/** What `cdk synth` hands to a deploy, bundles included: checked by cdk-nag, and bundles that serve. */
let synthesized: ReturnType<typeof synth>;
beforeAll(() => {
  synthesized = synth();
}, 120_000);
afterAll(() => rmSync(synthesized.outdir, { recursive: true, force: true }));

describe('cdk-nag in the synthesis', () => {
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
      // As the stack sets them on a writer (the record is created pending: nothing is sent to the queue).
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:processor',
      PROCESSING_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/starts',
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
