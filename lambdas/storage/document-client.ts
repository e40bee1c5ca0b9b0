import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UNMARSHALL_OPTIONS } from './attribute-values.ts';

/**
 * The DocumentClient every adapter shares. With an endpoint (DynamoDB Local) it uses placeholder
 * credentials, since the emulator accepts any; in AWS the function's role provides them. Without a
 * region the SDK's own chain (AWS_REGION, profile) decides. Numbers are read exactly (attribute-values.ts).
 */
export function createDocumentClient(options: { region?: string | undefined; endpoint?: string | undefined }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(options.region && { region: options.region }),
    ...(options.endpoint && {
      endpoint: options.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { ...UNMARSHALL_OPTIONS },
  }); // a copy: the client writes into its options
}
