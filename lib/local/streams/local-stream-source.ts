import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { inInvocation } from '../gateway/invocation.ts';
import { lambdaContext } from '../gateway/proxy-event.ts';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamSourceOptions {
  /** DynamoDB Local itself (its streams API), not the capacity emulator in front of it. */
  endpoint: string;
  region: string;
  tableName: string;
  handler: StreamHandler;
  functionName: string;
  timeoutMs: number;
  batchSize: number;
  /** Retries of a batch (or of its failed rest) before its records go to `onFailure`, as the event source's MaximumRetryAttempts. */
  retryAttempts: number;
  /** Where each shard's last handled sequence number is kept across runs (a DATA_DIR); none: the stream is read from its start. */
  positionFile?: string;
  /** The on-failure destination: records the consumer kept failing, with why. */
  onFailure: (failure: { records: DynamoDBRecord[]; reason: string }) => void;
  pollMs?: number;
}

const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Positions = { streamArn?: string; shards: Record<string, string> };

/**
 * Lambda's DynamoDB event source, on DynamoDB Local's stream of the records table: it reads each shard
 * in order (a parent before its children), hands the consumer's handler batches of `batchSize` as Lambda
 * does (the same event shape), and keeps Lambda's failure semantics: a partial batch response retries
 * the batch from the first record it names (a name it does not know fails the batch whole); a batch
 * that throws is split in two and each half retried (BisectBatchOnFunctionError); past `retryAttempts`
 * the records go to the on-failure destination and reading goes on. One batch at a time: the local
 * run's parallelization factor is 1, which keeps each item's changes in order as any factor does.
 */
export class LocalStreamSource {
  private readonly options: StreamSourceOptions;
  private readonly tables: DynamoDBClient;
  private readonly streams: DynamoDBStreamsClient;
  private readonly iterators = new Map<string, string>();
  private readonly finished = new Set<string>();
  private positions: Positions = { shards: {} };
  private running = true;
  private readonly loop: Promise<void>;
  private cycle = 0;
  /** The last poll cycle that found nothing: `drained` waits for one begun after it was called. */
  private lastEmptyCycle = 0;

  constructor(options: StreamSourceOptions) {
    this.options = options;
    const client = { region: options.region, endpoint: options.endpoint, credentials: LOCAL_CREDENTIALS };
    this.tables = new DynamoDBClient(client);
    this.streams = new DynamoDBStreamsClient(client);
    this.loop = this.run();
  }

  /** Resolves once a read of every shard, begun after this call, found nothing new: every change written before it is handled. */
  async drained(): Promise<void> {
    const after = this.cycle;
    while (this.running && this.lastEmptyCycle <= after) await wait(20);
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    this.tables.destroy();
    this.streams.destroy();
  }

  private async run(): Promise<void> {
    const { Table } = await this.tables.send(new DescribeTableCommand({ TableName: this.options.tableName }));
    const streamArn = Table?.LatestStreamArn;
    if (!streamArn) throw new Error(`The table ${this.options.tableName} has no stream`);
    const kept =
      this.options.positionFile && existsSync(this.options.positionFile)
        ? (JSON.parse(readFileSync(this.options.positionFile, 'utf8')) as Positions)
        : undefined;
    this.positions = kept?.streamArn === streamArn ? kept : { streamArn, shards: {} };
    while (this.running) {
      const cycle = ++this.cycle;
      let found = false;
      try {
        for (const shard of await this.shards(streamArn)) found = (await this.readShard(streamArn, shard)) || found;
      } catch (error) {
        if (!this.running) break;
        process.emitWarning(`The local stream consumer could not read the stream: ${(error as Error).message}`);
        await wait(1_000);
        continue;
      }
      if (!found) {
        this.lastEmptyCycle = cycle;
        await wait(this.options.pollMs ?? 100);
      }
    }
  }

  /** The stream's shards not yet read to their end, each after its parent. */
  private async shards(streamArn: string): Promise<Shard[]> {
    const all: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
      );
      all.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    const ids = new Set(all.map((shard) => shard.ShardId));
    return all.filter(
      (shard) =>
        !this.finished.has(shard.ShardId as string) &&
        (!shard.ParentShardId || !ids.has(shard.ParentShardId) || this.finished.has(shard.ParentShardId)),
    );
  }

  private async iteratorOf(streamArn: string, shardId: string): Promise<string | undefined> {
    const known = this.iterators.get(shardId);
    if (known) return known;
    const after = this.positions.shards[shardId];
    const { ShardIterator } = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ShardIteratorType: after ? 'AFTER_SEQUENCE_NUMBER' : 'TRIM_HORIZON',
        ...(after && { SequenceNumber: after }),
      }),
    );
    return ShardIterator;
  }

  /** Reads one batch of a shard and hands it over; true when it held records. */
  private async readShard(streamArn: string, shard: Shard): Promise<boolean> {
    const shardId = shard.ShardId as string;
    const iterator = await this.iteratorOf(streamArn, shardId);
    if (!iterator) {
      this.finished.add(shardId);
      return false;
    }
    let answer;
    try {
      answer = await this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.batchSize }));
    } catch (error) {
      // An iterator expires (15 minutes in AWS), and DynamoDB Local refuses one taken at a new shard's start
      // (TrimmedDataAccessException) now and then: a new one from the position kept.
      if (!['ExpiredIteratorException', 'TrimmedDataAccessException'].includes((error as Error).name)) throw error;
      this.iterators.delete(shardId);
      return true;
    }
    const records = (answer.Records ?? []).map((record) => this.lambdaRecord(streamArn, record));
    if (records.length > 0) {
      // Stopped before the batch was handled: it is read again from the position kept, at the next start.
      if (!(await this.deliver(records, 0))) return true;
      this.positions.shards[shardId] = records.at(-1)?.dynamodb?.SequenceNumber as string;
      if (this.options.positionFile) writeFileSync(this.options.positionFile, JSON.stringify(this.positions));
    }
    if (answer.NextShardIterator) this.iterators.set(shardId, answer.NextShardIterator);
    else {
      this.iterators.delete(shardId);
      this.finished.add(shardId);
    }
    return records.length > 0;
  }

  /** A stream record as Lambda hands it to a function (ApproximateCreationDateTime in epoch seconds, the stream's ARN). */
  private lambdaRecord(streamArn: string, record: _Record): DynamoDBRecord {
    const { dynamodb, ...rest } = record;
    const created = dynamodb?.ApproximateCreationDateTime;
    return {
      ...rest,
      awsRegion: this.options.region,
      eventSourceARN: streamArn,
      dynamodb: { ...dynamodb, ...(created && { ApproximateCreationDateTime: created.getTime() / 1000 }) },
    } as DynamoDBRecord;
  }

  /**
   * Hands the records over until they are handled, or (past the retries) sent to the on-failure
   * destination; false when the source stopped first (the records are not done).
   */
  private async deliver(records: DynamoDBRecord[], retried: number): Promise<boolean> {
    let pending = records;
    let attempts = retried;
    while (pending.length > 0) {
      if (!this.running) return false;
      let failedAt: number;
      try {
        const context = lambdaContext(this.options.functionName, this.options.timeoutMs);
        const answer = await inInvocation(context, () => this.options.handler({ Records: pending }, context));
        const named = (answer?.batchItemFailures ?? []).map((failure) =>
          pending.findIndex((record) => record.dynamodb?.SequenceNumber === failure.itemIdentifier),
        );
        if (named.length === 0) return true;
        // A failure that names no record of the batch fails it whole, as Lambda reads it.
        failedAt = named.includes(-1) ? 0 : Math.min(...named);
      } catch (error) {
        // A split does not count as a retry (Lambda's BisectBatchOnFunctionError): the halves are tried at once.
        if (pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          return (await this.deliver(pending.slice(0, half), attempts)) && this.deliver(pending.slice(half), attempts);
        }
        if (attempts >= this.options.retryAttempts) {
          this.options.onFailure({ records: pending, reason: (error as Error).message });
          return true;
        }
        attempts++;
        await wait(Math.min(2_000, 50 * 2 ** attempts));
        continue;
      }
      pending = pending.slice(failedAt);
      if (attempts >= this.options.retryAttempts) {
        this.options.onFailure({ records: pending, reason: 'the consumer answered these records failed' });
        return true;
      }
      attempts++;
      await wait(Math.min(2_000, 50 * 2 ** attempts));
    }
    return true;
  }
}
