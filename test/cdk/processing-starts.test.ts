import { describe, expect, it } from 'vitest';
import { PROCESSING_STARTS } from '../../lambdas/stack-functions.ts';
import { DISPATCH_RETRY, WRITE_BACK_RETRY } from '../../lib/stack/constructs/default-processor.ts';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template } = synth(NO_BUNDLING);

/** The processor's definition with the resource ARNs left out. */
function processorStates(): Record<string, Record<string, any>> {
  const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith('DefaultProcessor')) ?? [];
  const parts = machine?.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join('')).States;
}

describe('the queue of processing starts', () => {
  it('hands the starter batches of starts, a few invocations at once, and takes back the ones it could not start', () => {
    const [[queueId, queue] = []] = ofType(template, 'AWS::SQS::Queue').filter(([id]) => id.startsWith('ProcessingStartsQueue'));
    const [[deadId, dead] = []] = ofType(template, 'AWS::SQS::Queue').filter(([id]) => id.startsWith('ProcessingStartsDeadLetters'));
    expect(queue?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      // AWS: at least six times the function's timeout.
      VisibilityTimeout: 6 * PROCESSING_STARTS.timeoutSeconds,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadId, 'Arn'] }, maxReceiveCount: PROCESSING_STARTS.maxDeliveries },
    });
    expect(dead?.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    const [[, mapping] = []] = ofType(template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: expect.stringMatching(/^ProcessingStartsStartProcessingFunction/) },
      BatchSize: PROCESSING_STARTS.batchSize,
      ScalingConfig: { MaximumConcurrency: PROCESSING_STARTS.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const [, starter] =
      ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ProcessingStartsStartProcessingFunction')) ?? [];
    expect(starter?.Properties.Timeout).toBe(PROCESSING_STARTS.timeoutSeconds);
  });

  it("hands each of the processor's ended executions to the closer, whose failures end in an alarmed dead-letter queue", () => {
    const [[, rule] = []] = ofType(template, 'AWS::Events::Rule').filter(([id]) => id.startsWith('ProcessingStartsExecutionsEnded'));
    const [[unclosedId] = []] = ofType(template, 'AWS::SQS::Queue').filter(([id]) => id.startsWith('ProcessingStartsUnclosed'));
    const [[closerId, closer] = []] = ofType(template, 'AWS::Lambda::Function').filter(([id]) =>
      id.startsWith('ProcessingStartsCloseEndedExecutionsFunction'),
    );
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: {
        stateMachineArn: [{ Ref: expect.stringMatching(/^DefaultProcessorStateMachine/) }],
        status: ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'],
      },
    });
    expect(rule?.Properties.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [closerId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [unclosedId, 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 24 * 3600, MaximumRetryAttempts: 185 },
      }),
    ]);
    expect(closer?.Properties.DeadLetterConfig).toEqual({ TargetArn: { 'Fn::GetAtt': [unclosedId, 'Arn'] } });
    const [[, alarm] = []] = ofType(template, 'AWS::CloudWatch::Alarm').filter(([, a]) =>
      JSON.stringify(a.Properties.Dimensions ?? []).includes(unclosedId as string),
    );
    expect(alarm?.Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 1 });
  });

  it('alarms when a start lands in the dead-letter queue', () => {
    const [, alarm] = ofType(template, 'AWS::CloudWatch::Alarm').find(([id]) => id.startsWith('ProcessingStartsDeadLettered')) ?? [];
    expect(alarm?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^ProcessingStartsDeadLetters/), 'QueueName'] } }],
    });
  });
});

describe("the default processor's retries", () => {
  it('retries every write-back, and the dispatch, while DynamoDB or EventBridge are busy; not the outcome itself', () => {
    const states = processorStates();
    const writeBacks = Object.values(states).filter((state) => String(state.Resource).includes('dynamodb:updateItem'));
    expect(writeBacks.length).toBe(5);
    for (const state of writeBacks) {
      expect(state.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: WRITE_BACK_RETRY.errors,
          MaxAttempts: WRITE_BACK_RETRY.maxAttempts,
          JitterStrategy: 'FULL',
        }),
      ]);
      // The record moved on: no retry, it ends.
      expect(state.Retry[0].ErrorEquals).not.toContain('DynamoDB.ConditionalCheckFailedException');
    }
    const dispatch = states['Dispatch and wait for the worker'];
    expect(dispatch?.Retry).toEqual([expect.objectContaining({ ErrorEquals: DISPATCH_RETRY.errors })]);
    expect(dispatch?.Retry[0].ErrorEquals).not.toContain('States.ALL');
    expect(dispatch?.Retry[0].ErrorEquals).not.toContain('States.Timeout');
  });

  it('fits the dispatch retries, the wait and a write-back retried to the end inside the execution timeout', () => {
    const [, machine] = ofType(template, 'AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith('DefaultProcessor')) ?? [];
    const parts = machine?.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join(''));
    const states = definition.States as Record<string, Record<string, any>>;
    /** The most a state's retries wait: each interval doubled up to the cap (full jitter waits less). */
    const longestWaits = (retry: { IntervalSeconds: number; BackoffRate: number; MaxAttempts: number; MaxDelaySeconds: number }) =>
      Array.from({ length: retry.MaxAttempts }, (_, n) =>
        Math.min(retry.IntervalSeconds * retry.BackoffRate ** n, retry.MaxDelaySeconds),
      ).reduce((sum, wait) => sum + wait, 0);
    const dispatch = states['Dispatch and wait for the worker'] as Record<string, any>;
    const writeBack = states['Write completed'] as Record<string, any>;
    const worst = longestWaits(dispatch.Retry[0]) + dispatch.TimeoutSeconds + longestWaits(writeBack.Retry[0]);
    expect(worst).toBeLessThan(definition.TimeoutSeconds);
  });
});
