import { SDK_ATTEMPTS } from '../../retry-policies.ts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UNMARSHALL_OPTIONS } from './attribute-values.ts';
import type { CapacityEvent } from '../../storage-busy.ts';
import { reportCapacityEvents } from './capacity-events.ts';
import { reportConsumedCapacity } from './consumed-capacity.ts';

/** One attempt of a DynamoDB call (DynamoDB answers in milliseconds; this is for an endpoint that hangs). */
export const REQUEST_TIMEOUT_MS = 2_500;

/**
 * The DocumentClient every adapter shares. With an endpoint (DynamoDB Local) it uses placeholder
 * credentials, since the emulator accepts any; in AWS the function's role provides them. Without a
 * region the SDK's own chain (AWS_REGION, profile) decides. Numbers are read exactly (attribute-values.ts).
 */
export function createDocumentClient(options: {
  region?: string | undefined;
  endpoint?: string | undefined;
  /** How long one attempt may take before the SDK gives it up (a TimeoutError, which it retries); see REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** The SDK's retries: `adaptive` also slows the client's own rate when throttled (the bulk load's steps). */
  retryMode?: 'standard' | 'adaptive';
  /** Told of every attempt DynamoDB throttled or refused for a transaction conflict (capacity-events.ts). */
  onCapacityEvent?: (event: CapacityEvent) => void;
  /** Told of the read or write units each data call consumed, as DynamoDB reports them (consumed-capacity.ts). */
  onConsumedCapacity?: (kind: 'read' | 'write', units: number) => void;
}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(options.region && { region: options.region }),
    // A storage call that hangs (a stalled endpoint) fails in time for the function to answer 503 rather
    // than run into its own deadline: three attempts of REQUEST_TIMEOUT_MS fit in the 10 s it has.
    requestHandler: { requestTimeout: options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
    maxAttempts: SDK_ATTEMPTS,
    ...(options.retryMode && { retryMode: options.retryMode }),
    ...(options.endpoint && {
      endpoint: options.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  if (options.onCapacityEvent) reportCapacityEvents(client, options.onCapacityEvent);
  if (options.onConsumedCapacity) reportConsumedCapacity(client, options.onConsumedCapacity);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    unmarshallOptions: { ...UNMARSHALL_OPTIONS },
  }); // a copy: the client writes into its options
}
