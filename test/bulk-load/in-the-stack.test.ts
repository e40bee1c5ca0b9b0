import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NO_BUNDLING, ofType, synth } from '../support/cdk-synth.ts';

const { template, report } = synth({ ...NO_BUNDLING, bulkLoadConcurrency: 12, bulkLoadBatchLines: 150 });
const json = template.toJSON();
const [[bucketId, bucket] = []] = ofType(template, 'AWS::S3::Bucket') as [string, { Properties: Record<string, any> }][];
const bulkMachine = ofType(template, 'AWS::StepFunctions::StateMachine').find(([id]) => id.startsWith('BulkLoadsStateMachine'));
/** The state machine's definition, with the CloudFormation references left as placeholders. */
const definition = (() => {
  const parts = bulkMachine?.[1].Properties.DefinitionString['Fn::Join'][1] as unknown[];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'REF')).join(''));
})();
const statementsOf = (prefix: string) =>
  ofType(template, 'AWS::IAM::Policy')
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
const s3Statements = (prefix: string) =>
  statementsOf(prefix).filter((statement) => [statement.Action].flat().some((action) => action.startsWith('s3:')));

describe('bulk load in the stack', () => {
  it('keeps uploads in a private, encrypted, SSL-only, versioned bucket whose uploads expire, with events to EventBridge', () => {
    expect(bucket?.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: {
        Rules: [
          expect.objectContaining({
            ExpirationInDays: 7,
            NoncurrentVersionExpiration: { NoncurrentDays: 1 },
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('indexes a load’s failed lines by load and line number, in the records table', () => {
    // The records table: the one with a stream (the summaries table has TTL too, and no index).
    const records = ofType(template, 'AWS::DynamoDB::Table').find(([, table]) => table.Properties.StreamSpecification)?.[1];
    expect(records?.Properties.GlobalSecondaryIndexes).toContainEqual(
      expect.objectContaining({
        IndexName: 'byBulkLoadError',
        KeySchema: [
          { AttributeName: 'bulk_error_key', KeyType: 'HASH' },
          { AttributeName: 'line', KeyType: 'RANGE' },
        ],
      }),
    );
    expect(records?.Properties.AttributeDefinitions).toContainEqual({ AttributeName: 'line', AttributeType: 'N' });
  });

  it('starts the state machine on an upload’s ObjectCreated event, with the uploaded version', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: bucketId }] }, object: { key: [{ prefix: 'uploads/' }] } },
      },
      Targets: [
        Match.objectLike({
          Arn: { Ref: bulkMachine?.[0] },
          InputTransformer: Match.objectLike({
            InputPathsMap: Match.objectLike({ 'detail-object-version-id': '$.detail.object.version-id' }),
          }),
        }),
      ],
    });
  });

  it('reads the batches with a Distributed Map (JSON Lines reader, bounded concurrency), retrying each batch', () => {
    const map = Object.values(definition.States).find((state: any) => state.Type === 'Map') as Record<string, any>;
    expect(map.ItemReader).toMatchObject({ Resource: 'arn:REF:states:::s3:getObject', ReaderConfig: { InputType: 'JSONL' } });
    expect(map.ItemReader.Parameters).toEqual({ 'Bucket.$': '$.bucket', 'Key.$': '$.batchesKey' });
    expect(map.MaxConcurrency).toBe(12);
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' });
    expect(map.ItemSelector['batch.$']).toBe('$$.Map.Item.Value');
    const load = map.ItemProcessor.States['Load a batch'];
    expect(load.Retry).toEqual(expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 2 })]));
    // Spent retries give the batch up (the same function, with the error), so a batch never fails the whole map by itself.
    expect(load.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Give up the batch' }]);
    const giveUp = map.ItemProcessor.States['Give up the batch'];
    expect(giveUp.Arguments?.FunctionName ?? giveUp.Parameters?.FunctionName).toEqual(
      load.Arguments?.FunctionName ?? load.Parameters?.FunctionName,
    );
    expect(giveUp.End).toBe(true);
    expect(map.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'Fail the load' })]);
    expect(definition.States['Read the file into batches'].Catch).toEqual([expect.objectContaining({ Next: 'Fail the load' })]);
    const chunkFunction = ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('BulkLoadsBulkLoadChunk'))?.[1];
    expect(chunkFunction?.Properties.Environment.Variables.BULK_BATCH_LINES).toBe('150');
  });

  it('grants each piece only its part of the bucket, and the API functions only theirs', () => {
    const uploads = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/uploads/*']] };
    expect(s3Statements('startBulkLoadRole')).toEqual([{ Action: 's3:PutObject', Effect: 'Allow', Resource: uploads }]);
    expect(s3Statements('getBulkLoadRole')).toEqual([]);
    // They read the uploaded version (GetObject with VersionId): s3:GetObjectVersion, and not s3:GetObject.
    expect(s3Statements('BulkLoadsBulkLoadChunkRole')).toEqual([{ Action: 's3:GetObjectVersion', Effect: 'Allow', Resource: uploads }]);
    expect(s3Statements('BulkLoadsBulkLoadPrepareRole')).toContainEqual({
      Action: 's3:GetObjectVersion',
      Effect: 'Allow',
      Resource: uploads,
    });
    expect(s3Statements('BulkLoadsBulkLoadFinishRole')).toEqual([]);
    const getLoad = statementsOf('getBulkLoadRole').find((statement) => statement.Action === 'dynamodb:Query');
    expect(JSON.stringify(getLoad?.Resource)).toContain('/index/byBulkLoadError');
    const machineS3 = s3Statements('BulkLoadsStateMachineRole').map((statement) => JSON.stringify(statement.Resource));
    expect(machineS3.every((resource) => resource.includes('/batches/*') || resource.includes('/results/*'))).toBe(true);
  });

  it('passes cdk-nag with every acknowledgement carrying a reason', () => {
    const findings = JSON.stringify(report);
    expect(findings).not.toMatch(/"status":"failure"/);
    expect(json.Outputs.BulkLoadBucketName.Value).toEqual({ Ref: bucketId });
  });

  it("fits a batch's attempts and its give-up's, each running to the chunk function's timeout, in an Express child's 5 minutes", () => {
    const map = Object.values(definition.States).find((state: any) => state.Type === 'Map') as Record<string, any>;
    const chunk = ofType(template, 'AWS::Lambda::Function').find(([id]) => id.startsWith('BulkLoadsBulkLoadChunkFunction'));
    const timeout = chunk?.[1].Properties.Timeout as number;
    /** Every attempt a States.ALL retrier allows runs to the timeout, with the waits between them (AWS: Step Functions, Retrying after an error). */
    const worstCase = (state: {
      Retry?: { ErrorEquals: string[]; IntervalSeconds: number; MaxAttempts: number; BackoffRate: number }[];
    }) => {
      const retrier = state.Retry?.find((candidate) => candidate.ErrorEquals.includes('States.ALL'));
      const retries = retrier?.MaxAttempts ?? 0;
      const waits = Array.from({ length: retries }, (_, n) => (retrier?.IntervalSeconds ?? 0) * (retrier?.BackoffRate ?? 1) ** n);
      return (retries + 1) * timeout + waits.reduce((sum, wait) => sum + wait, 0);
    };
    const child = worstCase(map.ItemProcessor.States['Load a batch']) + worstCase(map.ItemProcessor.States['Give up the batch']);
    expect(timeout).toBe(50);
    expect(child).toBe(258);
    expect(child).toBeLessThanOrEqual(300); // an Express workflow's longest run (AWS: Step Functions quotas)
  });
});
