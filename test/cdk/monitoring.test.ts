import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/routes.ts';
import { BULK_LOAD_STEPS } from '../../lambdas/stack-functions.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth({ ...NO_BUNDLING, alarmEmail: 'oncall@example.com' });
const [[topicId] = []] = ofType(template, 'AWS::SNS::Topic');
const alarms = ofType(template, 'AWS::CloudWatch::Alarm');
const alarmNamed = (prefix: string) => alarms.find(([id]) => id.startsWith(prefix))?.[1].Properties;

describe('alarms', () => {
  it('each notify the stack’s one SNS topic, which e-mails alarmEmail', () => {
    expect(ofType(template, 'AWS::SNS::Topic')).toHaveLength(1);
    for (const [id, alarm] of alarms) expect(alarm.Properties.AlarmActions, id).toEqual([{ Ref: topicId }]);
    expect(ofType(template, 'AWS::SNS::Subscription')[0]?.[1].Properties).toMatchObject({
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
      TopicArn: { Ref: topicId },
    });
    expect(ofType(synth(NO_BUNDLING).template, 'AWS::SNS::Subscription')).toEqual([]);
  });

  it('cover the API’s 5xx rate and p99 latency, every function’s errors and throttles, the authorizer, DynamoDB, the processor and the sweep', () => {
    const ids = alarms.map(([id]) => id);
    for (const prefix of [
      'Api5xxRate',
      'ApiLatencyP99',
      'AuthorizerFailures',
      'RecordsThrottled',
      'RecordsSystemErrors',
      'TenantsThrottled',
      'TenantsSystemErrors',
      'SummariesThrottled',
      'SummariesSystemErrors',
      'ProcessorFailed',
      'ProcessorTimedOut',
      'RecordsSwept',
      'BulkLoadsFailed',
      'BulkLoadExecutionsFailed',
      'RecordChangesLag',
      'RecordChangesGivenUp',
    ]) {
      expect(
        ids.some((id) => id.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    for (const name of [
      ...ROUTES.map((route) => route.operation),
      'SweepStuckProcessing',
      'PublishRecordChanges',
      'BulkLoadPrepare',
      'BulkLoadChunk',
      'BulkLoadFinish',
    ]) {
      expect(
        ids.some((id) => id.startsWith(`${name}Errors`)),
        name,
      ).toBe(true);
      expect(
        ids.some((id) => id.startsWith(`${name}Throttles`)),
        name,
      ).toBe(true);
    }
    expect(alarmNamed('ApiLatencyP99')).toMatchObject({ ExtendedStatistic: 'p99', Threshold: 3000, EvaluationPeriods: 3 });
    expect(alarmNamed('Api5xxRate')?.Metrics.find((metric: { Expression?: string }) => metric.Expression)?.Expression).toContain(
      '100 * FILL(errors, 0) / FILL(requests, 0)',
    );
    expect(alarmNamed('RecordsSwept')).toMatchObject({ MetricName: 'RecordsSwept', Namespace: 'BillingRunActions', Threshold: 1 });
  });

  it('take their thresholds from context alarmThresholds, and refuse a bad one', () => {
    const tuned = synth({ ...NO_BUNDLING, alarmThresholds: { apiLatencyP99Ms: 5000 } }).template;
    const latency = ofType(tuned, 'AWS::CloudWatch::Alarm').find(([id]) => id.startsWith('ApiLatencyP99'))?.[1].Properties;
    expect(latency?.Threshold).toBe(5000);
    expect(() => synth({ ...NO_BUNDLING, alarmThresholds: { apiLatencyP99Ms: -1 } })).toThrow(/alarmThresholds/);
    expect(() => synth({ ...NO_BUNDLING, alarmEmail: 'not an address' })).toThrow(/alarmEmail/);
  });
});

describe('the dashboard and the access log', () => {
  it('has one dashboard with the same signals, by operation', () => {
    const [[, dashboard] = []] = ofType(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const signal of [
      '5XXError',
      'Latency',
      'Requests',
      'Errors',
      'Throttles',
      'ThrottledRequests',
      'SystemErrors',
      'ExecutionsFailed',
      'RecordsSwept',
      'BulkLoadsFailed',
      'BulkLoadExecutionsFailed',
      'BulkLinesLoaded',
      'BulkLinesFailed',
    ]) {
      expect(body, signal).toContain(signal);
    }
    for (const route of ROUTES) expect(body).toContain(route.operation);
  });

  it('logs every request as JSON with request id, tenant, principal, API key id, method, path, status, error and latencies', () => {
    const [, stage] = ofType(template, 'AWS::ApiGateway::Stage')[0] ?? [];
    const format = JSON.parse(stage?.Properties.AccessLogSetting.Format) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      principal: '$context.authorizer.principalId',
      tenant: '$context.authorizer.tenant',
      apiKeyId: '$context.identity.apiKeyId',
      method: '$context.httpMethod',
      resourcePath: '$context.resourcePath',
      status: '$context.status',
      error: '$context.error.message',
      integrationLatencyMs: '$context.integrationLatency',
      responseLatencyMs: '$context.responseLatency',
    });
  });
});

describe('who uses the table, without a metric per tenant', () => {
  const rules = ofType(template, 'AWS::CloudWatch::InsightRule').map(([, rule]) => rule.Properties);
  /** A rule's body, its log groups as the logical ids of the log groups they name. */
  const bodyOf = (rule: Record<string, any>) => {
    const parts = rule.RuleBody['Fn::Join'][1] as (string | { Ref: string })[];
    return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : part.Ref)).join(''));
  };
  const logGroupOf = (name: string) => ofType(template, 'AWS::Logs::LogGroup').find(([id]) => id.startsWith(`${name}Logs`))?.[0];

  it('ranks tenants by the write units and by the read units their requests and bulk load batches consumed, from the functions’ lines', () => {
    expect(rules.map((rule) => [rule.RuleName, rule.RuleState])).toEqual([
      ['BillingRunActions-TenantsByWriteUnits', 'ENABLED'],
      ['BillingRunActions-TenantsByReadUnits', 'ENABLED'],
    ]);
    for (const [rule, field] of [
      [rules[0], '$.consumedWriteUnits'],
      [rules[1], '$.consumedReadUnits'],
    ] as const) {
      const body = bodyOf(rule as Record<string, any>);
      expect(body).toMatchObject({
        Schema: { Name: 'CloudWatchLogRule', Version: 1 },
        LogFormat: 'JSON',
        Contribution: {
          Keys: ['$.tenant'],
          ValueOf: field,
          Filters: [
            { Match: '$.tenant', IsPresent: true },
            { Match: field, GreaterThan: 0 },
          ],
        },
        AggregateOn: 'Sum',
      });
      // Every API operation's and bulk load step's log group, by name, and no other (the authorizer, the sweep, the starter).
      const expected = [
        ...ROUTES.map((route) => route.operation),
        ...BULK_LOAD_STEPS.map((step) => `BulkLoads${step.operation[0]?.toUpperCase()}${step.operation.slice(1)}`),
      ];
      expect([...body.LogGroupNames].sort()).toEqual(expected.map(logGroupOf).sort());
      expect(body.LogGroupNames.every((name: string) => !name.includes('*'))).toBe(true);
    }
  });

  it('shows the top tenants on the dashboard, with every tenant’s and the top one’s sums, and says where DynamoDB’s key insights are', () => {
    const [[, dashboard] = []] = ofType(template, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const rule of ['BillingRunActions-TenantsByWriteUnits', 'BillingRunActions-TenantsByReadUnits']) {
      expect(body).toContain(`\\"insightRule\\":{\\"maxContributorCount\\":10,\\"orderBy\\":\\"Sum\\",\\"ruleName\\":\\"${rule}\\"}`);
      expect(body).toContain(`INSIGHT_RULE_METRIC('${rule}', 'MaxContributorValue')`);
    }
    expect(body).toContain('DynamoDBContributorInsights-PKC-');
  });

  it('has no metric with a tenant among its dimensions, on the dashboard or in an alarm', () => {
    const [[, dashboard] = []] = ofType(template, 'AWS::CloudWatch::Dashboard');
    expect(JSON.stringify(dashboard?.Properties.DashboardBody)).not.toMatch(/\\"tenant\\"/);
    for (const [id, alarm] of alarms) expect(JSON.stringify(alarm.Properties), id).not.toMatch(/"Name":"tenant"/);
  });
});
