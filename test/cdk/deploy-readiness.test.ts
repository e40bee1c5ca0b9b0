import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

/** What the first deploy and the first hour in an account would break, checked against AWS's documented behaviour. */
const { template } = synth({ ...NO_BUNDLING, alarmEmail: 'oncall@example.com' });
const staged = synth({ ...NO_BUNDLING, stage: 'dev' }).template;
const alarms = ofType(template, 'AWS::CloudWatch::Alarm');

describe('alarms that reach someone', () => {
  it('let CloudWatch publish to the topic for this stack’s alarms only, beside the TLS-only deny', () => {
    const [[, policy] = []] = ofType(template, 'AWS::SNS::TopicPolicy');
    const statements = policy?.Properties.PolicyDocument.Statement as Record<string, any>[];
    const publish = statements.find((statement) => statement.Sid === 'AlarmsOfThisStackPublish');
    expect(publish).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
    const sources = publish?.Condition.ArnEquals['aws:SourceArn'] as { 'Fn::GetAtt': [string, string] }[];
    expect(sources.map((source) => source['Fn::GetAtt'][0]).sort()).toEqual(alarms.map(([id]) => id).sort());
    expect(
      statements.some((statement) => statement.Effect === 'Deny' && statement.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
    ).toBe(true);
  });

  it('sum sparse metrics with FILL(m, 0) around every term, so one term with data is enough', () => {
    const sums = alarms.flatMap(([id, alarm]) =>
      ((alarm.Properties.Metrics ?? []) as { Expression?: string }[]).flatMap((metric) =>
        metric.Expression ? [[id, metric.Expression]] : [],
      ),
    );
    expect(sums.length).toBeGreaterThanOrEqual(5);
    for (const [id, expression] of sums) {
      const terms = (expression as string).replace(/IF\(|FILL\((\w+), 0\)/g, '').match(/\b[a-z]\w*\b/g) ?? [];
      expect(terms, `${id}: ${expression}`).toEqual([]);
    }
    const throttled = alarms.find(([id]) => id.startsWith('RecordsThrottled'))?.[1].Properties.Metrics as Record<string, any>[];
    expect(throttled.map((metric) => metric.MetricStat?.Metric.Dimensions?.find((d: any) => d.Name === 'Operation')?.Value)).toContain(
      'BatchWriteItem',
    );
  });

  it('leave the authorizer’s Lambda errors alone (every refused token is one) and alarm on AuthorizerFailures', () => {
    const ids = alarms.map(([id]) => id);
    expect(ids.some((id) => id.startsWith('AuthorizerErrors'))).toBe(false);
    expect(ids.some((id) => id.startsWith('AuthorizerThrottles'))).toBe(true);
    expect(ids.some((id) => id.startsWith('AuthorizerFailures'))).toBe(true);
  });

  it('are counted and priced in docs/operations.md as the template holds them', () => {
    const docs = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
    const cost = (alarms.length * 0.1).toFixed(2);
    expect(docs).toContain(`There are ${alarms.length} alarms with the default processor`);
    expect(docs).toContain(`$${cost} a month`);
  });
});

describe('names an account holds once', () => {
  it('puts the state machines’ log groups under /aws/vendedlogs/states/<stack>-<machine>', () => {
    const names = ofType(template, 'AWS::Logs::LogGroup')
      .map(([, group]) => group.Properties.LogGroupName as string | undefined)
      .filter((name) => name?.startsWith('/aws/vendedlogs/'));
    expect(names.sort()).toEqual([
      '/aws/vendedlogs/states/BillingRunActions-bulk-load',
      '/aws/vendedlogs/states/BillingRunActions-processor',
    ]);
    for (const [, machine] of ofType(template, 'AWS::StepFunctions::StateMachine')) {
      const destination = JSON.stringify(machine.Properties.LoggingConfiguration.Destinations);
      expect(destination).toContain('LogGroup');
    }
  });

  it('quotes the stack’s namespace in the dashboard’s SEARCH, as a hyphenated one needs', () => {
    const [[, dashboard] = []] = ofType(staged, 'AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    expect(body).toContain(String.raw`SEARCH('{\\\"BillingRunActions-dev\\\",service,operation}`);
    expect(body).not.toContain("SEARCH('{BillingRunActions-dev,");
  });

  it('sets the API Gateway account’s CloudWatch role from the unstaged stack only, unless told to', () => {
    expect(ofType(template, 'AWS::ApiGateway::Account')).toHaveLength(1);
    expect(ofType(staged, 'AWS::ApiGateway::Account')).toHaveLength(0);
    const told = synth({ ...NO_BUNDLING, stage: 'dev', apiGatewayAccount: true }).template;
    expect(ofType(told, 'AWS::ApiGateway::Account')).toHaveLength(1);
    expect(ofType(synth({ ...NO_BUNDLING, apiGatewayAccount: false }).template, 'AWS::ApiGateway::Account')).toHaveLength(0);
    expect(() => synth({ ...NO_BUNDLING, apiGatewayAccount: 'maybe' })).toThrow(/apiGatewayAccount/);
  });
});
