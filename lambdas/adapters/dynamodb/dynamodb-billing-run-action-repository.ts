import { RETRY_POLICIES } from '../../retry-policies.ts';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Lookup } from '../../domain/billing-run-action.ts';
import type { BillingRunAction } from '../../domain/record-schema.ts';
import { parseJson } from '../../domain/json-values.ts';
import { listRecords } from './record-lists.ts';
import { type Item, claimItem, deletedItem, oldItemOf, toItem, toRecord } from './record-items.ts';
import { Conflict, VersionConflict, invalid, notFound, outOfTime, tenantNotProvisioned } from '../../domain/errors.ts';
import type {
  BillingRunActionRepository,
  CallDeadline,
  CreateResult,
  IdempotencyClaim,
  ListPage,
  ListRequest,
  SoftDeletion,
} from '../../ports/billing-run-action-repository.ts';
import { PARTITION_KEY, idempotencyKey, recordKey } from './table-design.ts';
import { claimPut, liveClaim } from './idempotency-claims.ts';
import { shardOf } from '../../domain/record-limit.ts';
import { counterGiveBackOne, counterTakeOne, shardWithRoom } from './tenant-counter.ts';
import { RetriesExhausted, retrying } from '../../retry.ts';
import { cancellationReasons, cancelledForConflict, concurrentWrites, transactWrite } from './transactions.ts';
import { withinDeadline } from './call-deadline.ts';

/** Condition clauses, named for what they require of the stored item. */
const condition = {
  isNew: `attribute_not_exists(${PARTITION_KEY})`,
  isLiveAtVersion: 'sys_version = :expectedVersion AND attribute_not_exists(sys_deleted_by_id)',
};

/** Internal: a transaction cancelled because another held one of its items; worth another attempt. */
class Contended extends Error {
  constructor(cause: unknown) {
    super('Transaction conflict', { cause });
  }
}

/** Internal: the counter shard refused (it is full, or missing): the counter says why, or makes room. */
class ShardRefused extends Error {}

/** What a transaction of the repository writes: the record `id` of `tenantId`, at `expectedVersion` (none for a create), with a create's claim. */
interface TransactionOf {
  tenantId: string;
  id: string;
  expectedVersion?: number;
  claim?: IdempotencyClaim;
  deadline?: CallDeadline;
}

/** Internal: the idempotency claim of a create already exists. */
class IdempotencyKeyTaken extends Error {
  readonly claim: Item;
  constructor(claim: Item) {
    super('Idempotency key already claimed');
    this.claim = claim;
  }
}

/** Why a conditional write on a record failed, told apart by the item as it was (ALL_OLD). */
function recordConditionError(id: string, old: Item | undefined, expectedVersion: number | undefined, cause: unknown): Error {
  if (expectedVersion === undefined) return new Conflict(`Billing run action '${id}' already exists`, { cause });
  if (!old || old.sys_deleted_by_id !== undefined) return notFound(id);
  return new VersionConflict(
    `Billing run action '${id}' was changed by another request (version ${String(old.sys_version)}); read it again and retry`,
    { cause },
  );
}

export class DynamoDbBillingRunActionRepository implements BillingRunActionRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly tenantsTableName: string;
  private readonly statusLists: boolean;

  /** `statusLists` false: the table has not got this function's status index yet (a stack upgraded in steps). */
  constructor(client: DynamoDBDocumentClient, tableName: string, tenantsTableName: string, options: { statusLists?: boolean } = {}) {
    this.client = client;
    this.tableName = tableName;
    this.tenantsTableName = tenantsTableName;
    this.statusLists = options.statusLists ?? true;
  }

  async get(tenantId: string, id: string, options: { consistentRead?: boolean } & CallDeadline = {}) {
    const command = new GetCommand({
      TableName: this.tableName,
      Key: { [PARTITION_KEY]: recordKey(tenantId, id) },
      ConsistentRead: options.consistentRead ?? false,
    });
    const { Item } = await withinDeadline(options, { id, writes: false }, (abort) => this.client.send(command, abort));
    if (!Item || Item.sys_deleted_by_id !== undefined) return undefined;
    return toRecord(Item);
  }

  /**
   * Puts the record and counts it against the tenant's limit in one transaction; with an idempotency
   * claim, the claim (holding the response) is a third item, so a retry either creates nothing and
   * replays, or the first create never happened.
   */
  async create(tenantId: string, record: BillingRunAction, idempotency?: IdempotencyClaim): Promise<CreateResult> {
    const claim = idempotency && claimPut(this.tableName, claimItem(tenantId, idempotency, record), idempotency.now);
    try {
      await this.withRoom(tenantId, shardOf(record.id), (shard) =>
        this.transact(
          { tenantId, id: record.id, ...(idempotency && { claim: idempotency }) },
          {
            TransactItems: [
              counterTakeOne(this.tenantsTableName, tenantId, shard),
              {
                Put: {
                  TableName: this.tableName,
                  Item: toItem(tenantId, record),
                  ConditionExpression: condition.isNew,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              ...(claim ? [claim] : []),
            ],
          },
        ),
      );
    } catch (error) {
      if (!(error instanceof IdempotencyKeyTaken) || !idempotency) throw error;
      if (error.claim.body_hash !== idempotency.bodyHash) {
        throw new Conflict(`Idempotency-Key '${idempotency.key}' was already used with a different body`, { cause: error });
      }
      return { record: parseJson(error.claim.response as string) as BillingRunAction, replayed: true };
    }
    return { record, replayed: false };
  }

  async replace(tenantId: string, record: BillingRunAction, expectedVersion: number, deadline: CallDeadline = {}): Promise<void> {
    const command = new PutCommand({
      TableName: this.tableName,
      Item: toItem(tenantId, record),
      ConditionExpression: condition.isLiveAtVersion,
      ExpressionAttributeValues: { ':expectedVersion': expectedVersion },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    try {
      await withinDeadline(deadline, { id: record.id, writes: true }, (abort) => this.client.send(command, abort));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      throw recordConditionError(record.id, oldItemOf(error), expectedVersion, error);
    }
  }

  /** Writes the deleted item (no index keys, a TTL) and frees its place in the tenant's count, in one transaction. */
  async softDelete(tenantId: string, deletion: SoftDeletion, expectedVersion: number, deadline: CallDeadline = {}): Promise<void> {
    const input: TransactWriteCommandInput = {
      TransactItems: [
        counterGiveBackOne(this.tenantsTableName, tenantId, shardOf(deletion.record.id)),
        {
          Put: {
            TableName: this.tableName,
            Item: deletedItem(tenantId, deletion),
            ConditionExpression: condition.isLiveAtVersion,
            ExpressionAttributeValues: { ':expectedVersion': expectedVersion },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
      ],
    };
    // A counter with no shard is a tenant never provisioned (or from before): the delete is refused as it.
    await this.transact({ tenantId, id: deletion.record.id, expectedVersion, deadline }, input).catch((error: unknown) => {
      throw error instanceof ShardRefused ? tenantNotProvisioned(tenantId, { cause: error }) : error;
    });
  }

  async list(tenantId: string, lookup: Lookup, value: string, page: ListRequest): Promise<ListPage> {
    if (page.status !== undefined && !this.statusLists) {
      throw invalid('parameters', [
        { path: 'status', message: 'is not available in this deployment yet: its index is being added (an upgrade in steps)' },
      ]);
    }
    return listRecords(this.client, this.tableName, { tenantId, lookup, value }, page);
  }

  /**
   * A write that takes a place on the tenant's counter, from `shard` first: when a shard refuses, the
   * counter is read whole and names one with room (or refuses for the limit, or the tenant), and the
   * write tries that one.
   */
  private async withRoom(tenantId: string, shard: number, write: (shard: number) => Promise<void>): Promise<void> {
    let next = shard;
    try {
      await retrying(
        RETRY_POLICIES.otherShard,
        async (attempt) => {
          if (attempt > 1) next = await shardWithRoom(this.client, this.tenantsTableName, tenantId);
          await write(next);
        },
        (error) => error instanceof ShardRefused,
      );
    } catch (error) {
      throw error instanceof RetriesExhausted ? concurrentWrites(tenantId, error.last) : error;
    }
  }

  /**
   * Runs a transaction (the tenant's counter, the record, an optional idempotency claim) and turns a
   * cancellation into the domain error of the item that refused. Collisions with concurrent
   * transactions on the same counter are retried, until the deadline's signal if any (then out of
   * time: nothing was written); one on a create's claim reads the claim first, so that creates racing
   * with one key answer as soon as the first of them landed.
   */
  private async transact(write: TransactionOf, input: TransactWriteCommandInput): Promise<void> {
    try {
      await retrying(
        RETRY_POLICIES.transactionConflict,
        () => this.sendTransaction(write, input),
        (error) => error instanceof Contended,
        write.deadline?.signal,
      );
    } catch (error) {
      if (!(error instanceof RetriesExhausted)) throw error;
      throw error.stopped ? outOfTime(write.id) : concurrentWrites(write.tenantId, error);
    }
  }

  /** One attempt: a cancellation becomes the domain error of the item that refused, or Contended. */
  private async sendTransaction({ tenantId, id, expectedVersion, claim, deadline = {} }: TransactionOf, input: TransactWriteCommandInput) {
    try {
      // One token per attempt: an attempt whose answer was lost is asked again as itself (transactions.ts).
      await withinDeadline(deadline, { id, writes: true }, (abort) => transactWrite(this.client, input, abort));
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      // DynamoDB reports one reason per item, in the order of TransactItems: every transaction here
      // lists the tenant's counter first, the record second and the idempotency claim (if any) third.
      const [tenantReason, recordReason, claimReason] = reasons;
      const claimed = oldItemOf(claimReason);
      if (claimReason?.Code === 'ConditionalCheckFailed' && claimed) throw new IdempotencyKeyTaken(claimed);
      if (recordReason?.Code === 'ConditionalCheckFailed') {
        throw recordConditionError(id, oldItemOf(recordReason), expectedVersion, error);
      }
      if (tenantReason?.Code === 'ConditionalCheckFailed') throw new ShardRefused();
      if (!cancelledForConflict(error)) throw error;
      const live = claim && (await liveClaim(this.client, this.tableName, idempotencyKey(tenantId, 'create', claim.key), claim.now));
      throw live ? new IdempotencyKeyTaken(live) : new Contended(error);
    }
  }
}
