import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../lambdas/routes.ts';
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
      'ProcessorFailed',
      'ProcessorTimedOut',
      'RecordsSwept',
      'BulkLoadsFailed',
      'BulkLoadExecutionsFailed',
    ]) {
      expect(
        ids.some((id) => id.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    for (const name of [
      ...ROUTES.map((route) => route.operation),
      'SweepStuckProcessing',
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
