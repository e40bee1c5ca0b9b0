import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * What every baseline handler holds, as a bare handler would: a DocumentClient (on the stand-in's
 * endpoint in the bench, as the functions are) and the names the stack gives it, nothing else.
 */
const endpoint = process.env.DYNAMODB_ENDPOINT;
export const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'us-east-1',
    ...(endpoint && { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  }),
);
export const TABLE = process.env.TABLE_NAME as string;
export const TENANTS_TABLE = process.env.TENANTS_TABLE_NAME as string;
export const ok = (body: unknown) => ({ statusCode: 200, body: JSON.stringify(body) });
