import type { TestProject } from 'vitest/node';
import { type RunningDynamoDb, startDynamoDbLocal } from '../../lib/local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
  }
}

let dynamoDb: RunningDynamoDb | undefined;

/** One in-memory DynamoDB Local for the whole run; each test file makes its own tables in it. */
export async function setup(project: TestProject): Promise<void> {
  dynamoDb = await startDynamoDbLocal();
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamoDb?.stop();
}
