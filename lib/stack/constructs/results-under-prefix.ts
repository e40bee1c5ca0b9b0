import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { ResultWriterV2 } from 'aws-cdk-lib/aws-stepfunctions';

export const RESULTS_PREFIX = 'results/';

/** The Distributed Map's result files, with the permissions for them under their prefix only (CDK's would grant the whole bucket). */
export class ResultsUnderPrefix extends ResultWriterV2 {
  private readonly resultsBucket: IBucket;
  constructor(bucket: IBucket, prefix: string) {
    super({ bucket, prefix });
    this.resultsBucket = bucket;
  }
  override providePolicyStatements(): PolicyStatement[] {
    return [
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
        resources: [this.resultsBucket.arnForObjects(`${RESULTS_PREFIX}*`)],
      }),
    ];
  }
}
