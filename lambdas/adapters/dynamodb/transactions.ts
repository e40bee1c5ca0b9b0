import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { RetriesExhausted, retrying } from '../../retry.ts';
import { RETRY_POLICIES } from '../../retry-policies.ts';
import { TooManyRequests } from '../../domain/errors.ts';
import { outcomeUnknown } from '../../storage-busy.ts';

/** The answer when a write kept meeting others on the same items past RETRY_POLICIES.transactionConflict: nothing was written. */
export const concurrentWrites = (tenantId: string, cause?: unknown): TooManyRequests =>
  new TooManyRequests(`Too many concurrent writes for tenant '${tenantId}'; retry shortly`, 1, { cause });

/**
 * TransactWriteItems, made idempotent as DynamoDB offers: one `ClientRequestToken` for this write, kept
 * across the SDK's attempts and the waits here. DynamoDB answers a retry of a transaction that landed
 * with the same success (for 10 minutes), and a retry while it still runs with
 * `TransactionInProgressException`, which is waited out; so an attempt whose answer was lost never
 * turns into a conflict with the write itself (TransactWriteItems, ClientRequestToken, in the DynamoDB
 * API reference). A cancelled transaction was not applied: its caller decides whether to try again,
 * and a new call gets a new token. Past the wait, or once `abortSignal` aborts, the last error stands
 * (an answer of 503: retry).
 */
export async function transactWrite(
  client: DynamoDBDocumentClient,
  input: TransactWriteCommandInput,
  options: { abortSignal?: AbortSignal } = {},
): Promise<void> {
  const idempotent = { ...input, ClientRequestToken: input.ClientRequestToken ?? randomUUID() };
  try {
    await retrying(
      RETRY_POLICIES.unknownOutcome,
      () => client.send(new TransactWriteCommand(idempotent), options),
      outcomeUnknown,
      options.abortSignal,
    );
  } catch (error) {
    throw error instanceof RetriesExhausted ? error.last : error;
  }
}

/** The reasons DynamoDB gave, item by item in the order of TransactItems, for cancelling a transaction; undefined for any other error. */
export function cancellationReasons(error: unknown): { Code?: string; Item?: Record<string, unknown> }[] | undefined {
  return error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : undefined;
}

/** A transaction cancelled because another transaction held one of its items: not applied, and worth another attempt. */
export const cancelledForConflict = (error: unknown): boolean =>
  cancellationReasons(error)?.some((reason) => reason.Code === 'TransactionConflict') ?? false;
