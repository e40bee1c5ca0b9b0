import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { RECORD_CHANGES } from '../../../lambdas/stack-functions.ts';
import { LocalEventBus } from '../events/local-event-bus.ts';
import { LOCAL_AWS_PATH } from '../processing/aws-endpoint.ts';
import { LocalStreamSource, type StreamHandler } from './local-stream-source.ts';

const LOCAL_EVENT_BUS = 'billing-run-actions-local';
const LOCAL_ACCOUNT = '000000000000';
export const EVENTS_FILE = 'events.ndjson';
const FAILURES_FILE = 'stream-failures.ndjson';
const POSITION_FILE = 'stream-position.json';

export interface LocalChangesOptions {
  dataDir: string;
  /** Whether the tables live in memory (no stream position is kept between runs). */
  inMemory: boolean;
  region: string;
  tableName: string;
  /** DynamoDB Local itself, whose streams API the source reads. */
  streamEndpoint: string;
  /** Where the consumer's counting reaches DynamoDB (the capacity emulator's background door when it runs). */
  storageEndpoint: string;
  /** EVENTS_WEBHOOK_URL: each event is POSTed there too. */
  webhookUrl?: string | undefined;
  /** Tests wrap the consumer to make it fail or redeliver as Lambda may. */
  wrap?: ((handler: StreamHandler) => StreamHandler) | undefined;
}

export interface LocalChanges {
  bus: LocalEventBus;
  /** Takes the local service's URL: the consumer's environment (its bus, reached there), and the stream's reading starts. */
  listenAt(serviceUrl: string): Record<string, string>;
  /** Resolves once every change written before the call is counted and published (or sent to the failures file). */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The change stream as it runs in AWS, inside the local service: Lambda's event source on DynamoDB
 * Local's stream of the records table hands batches to the consumer's own handler, which counts the run
 * summaries and puts the change events on the local bus (DATA_DIR/events.ndjson, EVENTS_WEBHOOK_URL).
 * Records the consumer keeps failing go to DATA_DIR/stream-failures.ndjson, the on-failure destination.
 */
export function localChanges(options: LocalChangesOptions): LocalChanges {
  const bus = new LocalEventBus({
    busName: LOCAL_EVENT_BUS,
    region: options.region,
    account: LOCAL_ACCOUNT,
    file: join(options.dataDir, EVENTS_FILE),
    ...(options.webhookUrl && { webhookUrl: options.webhookUrl }),
  });
  // The handler's modules are loaded when the service starts, not when a command imports this module (they need an invocation's store).
  const loaded = Promise.all([
    import('../../../lambdas/handlers/record-changes.ts'),
    import('../../../lambdas/composition/record-changes.ts'),
  ]).then(([{ handlerOn }, { changeDependencies }]) => handlerOn(() => changeDependencies(options.storageEndpoint)));
  const consumer: StreamHandler = async (event, context) => (await loaded)(event, context);
  let source: LocalStreamSource | undefined;
  return {
    bus,
    listenAt(serviceUrl) {
      source ??= new LocalStreamSource({
        endpoint: options.streamEndpoint,
        region: options.region,
        tableName: options.tableName,
        handler: options.wrap ? options.wrap(consumer) : consumer,
        functionName: RECORD_CHANGES.operation,
        timeoutMs: RECORD_CHANGES.timeoutSeconds * 1000,
        batchSize: RECORD_CHANGES.batchSize,
        retryAttempts: RECORD_CHANGES.retryAttempts,
        ...(!options.inMemory && { positionFile: join(options.dataDir, POSITION_FILE) }),
        onFailure: ({ records, reason }) => {
          appendFileSync(join(options.dataDir, FAILURES_FILE), `${JSON.stringify({ reason, records })}\n`);
          process.emitWarning(`${records.length} change(s) of the stream kept failing (${reason}); they are in ${FAILURES_FILE}`);
        },
      });
      return { EVENT_BUS_NAME: LOCAL_EVENT_BUS, AWS_ENDPOINT_URL_EVENTBRIDGE: `${serviceUrl}${LOCAL_AWS_PATH}` };
    },
    drained: async () => {
      await source?.drained();
      await bus.settled();
    },
    async stop() {
      await source?.stop();
      await bus.settled();
    },
  };
}
