import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, linkSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Context } from 'aws-lambda';
import { MAX_UPLOAD_BYTES } from '../../lambdas/domain/bulk-load.ts';
import type { LineRange } from '../../lambdas/domain/ndjson-lines.ts';
import { uploadRefusal } from '../../lambdas/adapters/local/local-upload-targets.ts';
import { RetriesExhausted, retrying } from '../../lambdas/retry.ts';
import { RETRY_POLICIES } from '../../lambdas/retry-policies.ts';
import { type BulkLoadStepName, bulkLoadStep } from '../../lambdas/stack-functions.ts';
import type * as BulkLoadSteps from '../../lambdas/use-cases/bulk-load-steps.ts';
import type { BulkRunDependencies } from '../../lambdas/use-cases/dependencies.ts';
import { GatewayAnswer } from './gateway/answers.ts';
import { inInvocation } from './gateway/invocation.ts';
import { LocalUploadedFile } from './local-uploaded-file.ts';
import { lambdaContext } from './gateway/proxy-event.ts';
import { TenantSlots } from './tenant-slots.ts';

/** Internal: the runner is stopping, or the load failed: no further attempt. */
class Stopped extends Error {}

type Steps = typeof BulkLoadSteps & {
  /** The prepare and finish steps' environment. */
  deps: BulkRunDependencies;
  /** A chunk's environment, each a client of its own, as each chunk function's environment in AWS: taken while a batch loads. */
  environments: BulkRunDependencies[];
  /** A new chunk environment. */
  newEnvironment: () => BulkRunDependencies;
  step: <T>(name: string, context: Context, work: () => Promise<T>, tenant?: string) => Promise<T>;
};

/**
 * The laptop's stand-in for S3 and the bulk load state machine: it takes the file of a load on its
 * signed upload URL (streamed to DATA_DIR, never held), then runs the very steps the state machine
 * runs, each as a Lambda invocation of its own: read the file through into batches, load the batches
 * with bounded concurrency (a failed batch is tried again), finish. Loads that a stopped instance left
 * unfinished resume when it starts again.
 */
export class LocalBulkLoadRunner {
  private readonly directory: string;
  private readonly secret: string;
  private readonly concurrency: number;
  /** Where the steps reach DynamoDB, when not where the functions do (the capacity emulator's door for background calls). */
  private readonly dynamoDbEndpoint: string | undefined;
  /** How many batches load at once, per tenant: a tenant's many loads take turns rather than multiply its load on storage. */
  private readonly batchSlots: TenantSlots;
  private readonly running = new Map<string, Promise<void>>();
  private steps: Promise<Steps> | undefined;
  private stopping = false;

  constructor(options: { dataDir: string; secret: string; concurrency: number; dynamoDbEndpoint?: string | undefined }) {
    this.directory = join(options.dataDir, 'bulk-loads');
    this.secret = options.secret;
    this.concurrency = options.concurrency;
    this.dynamoDbEndpoint = options.dynamoDbEndpoint;
    this.batchSlots = new TenantSlots(options.concurrency);
  }

  /**
   * The steps and their dependencies, loaded as the gateway loads the handlers (once the functions'
   * environment is set) and built as the state machine's functions build them.
   */
  private load(): Promise<Steps> {
    this.steps ??= (async () => {
      const [{ separateBulkRunDependencies }, steps, { step }] = await Promise.all([
        import('../../lambdas/composition/bulk-load.ts'),
        import('../../lambdas/use-cases/bulk-load-steps.ts'),
        import('../../lambdas/invocation.ts'),
      ]);
      const newEnvironment = () => separateBulkRunDependencies(this.dynamoDbEndpoint);
      return { ...steps, step, deps: newEnvironment(), environments: [], newEnvironment };
    })();
    return this.steps;
  }

  /**
   * One step as one invocation of its function, in its own InvokeStore context (logs and metrics
   * apart), wrapped as the function wraps it: its log lines carry the Lambda context, its EMF metrics
   * print in the service's output.
   */
  private async invoke<T>(name: BulkLoadStepName, tenantId: string, work: () => Promise<T>): Promise<T> {
    const { step } = await this.load();
    // The function's operation name and timeout, as the stack gives them.
    const { operation, timeoutSeconds } = bulkLoadStep(name);
    const context = lambdaContext(operation, timeoutSeconds * 1000);
    return inInvocation(context, () => step(operation, context, work, tenantId));
  }

  private pathOf(tenantId: string, loadId: string): string {
    return join(this.directory, tenantId, `${loadId}.ndjson`);
  }

  /** A PUT of a load's file on its upload URL; answers once the file is stored, then loads it in the background. */
  async receive(request: IncomingMessage, tenantId: string, loadId: string, query: URLSearchParams): Promise<void> {
    const refusal = uploadRefusal(this.secret, tenantId, loadId, query);
    if (refusal) throw new GatewayAnswer(403, refusal);
    const { deps } = await this.load();
    const load = await deps.loads.get(tenantId, loadId);
    if (!load) throw new GatewayAnswer(404, `Bulk load '${loadId}' was not found`);
    const path = this.pathOf(tenantId, loadId);
    if (load.status !== 'awaiting upload' || existsSync(path)) {
      throw new GatewayAnswer(409, `Bulk load '${loadId}' already has its file (status ${load.status}); start a new load to send another`);
    }
    mkdirSync(join(this.directory, tenantId), { recursive: true });
    const temporary = `${path}.${randomUUID()}.part`;
    let bytes = 0;
    try {
      await pipeline(
        request,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            bytes += chunk.length;
            if (bytes > MAX_UPLOAD_BYTES) {
              throw new GatewayAnswer(400, `The file is larger than ${MAX_UPLOAD_BYTES} bytes (5 GiB), S3's limit for one upload`);
            }
            yield chunk;
          }
        },
        createWriteStream(temporary),
      );
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error instanceof GatewayAnswer ? error : new GatewayAnswer(400, 'The upload was cut off before its end; send the file again');
    }
    try {
      // A second upload of the same load racing this one: the first to finish keeps its file.
      linkSync(temporary, path);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      throw new GatewayAnswer(409, `Bulk load '${loadId}' already has its file; start a new load to send another`);
    } finally {
      rmSync(temporary, { force: true });
    }
    this.start(tenantId, loadId);
  }

  /** Loads every stored upload whose load has not ended (after a stop in the middle of one). */
  resume(): void {
    if (!existsSync(this.directory)) return;
    for (const tenantId of readdirSync(this.directory)) {
      for (const name of readdirSync(join(this.directory, tenantId))) {
        if (name.endsWith('.ndjson')) this.start(tenantId, name.slice(0, -'.ndjson'.length));
        // An upload cut off by the stop: its client saw no answer and sends the file again.
        if (name.endsWith('.part')) rmSync(join(this.directory, tenantId, name), { force: true });
      }
    }
  }

  /** How many batches are loading now, over every load (at most the runner's concurrency for each tenant loading). */
  get batchesLoading(): number {
    return this.batchSlots.activeCount;
  }

  /** Resolves when every load started so far has ended or paused. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Starts no further batch and waits for those running: an unfinished load resumes at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.idle();
  }

  private start(tenantId: string, loadId: string): void {
    const key = `${tenantId}/${loadId}`;
    if (this.running.has(key)) return;
    const run = this.run(tenantId, loadId)
      .catch(async (error: unknown) => (await this.load()).deps.actions.reportError(error, { loadId, step: 'run the bulk load' }))
      .finally(() => this.running.delete(key));
    this.running.set(key, run);
  }

  private async run(tenantId: string, loadId: string): Promise<void> {
    const { deps, environments, newEnvironment, readThrough, loadChunk, giveUpChunk, failLoad, finishLoad } = await this.load();
    const path = this.pathOf(tenantId, loadId);
    const file = new LocalUploadedFile(path);
    const forget = () => {
      for (const stored of [path, `${path}.batches`]) rmSync(stored, { force: true });
    };
    let load: Awaited<ReturnType<typeof readThrough>>;
    try {
      load = await this.invoke('prepare', tenantId, () => readThrough(deps, file, tenantId, loadId));
    } catch (error) {
      // As the state machine catches a failed read: the load fails with the error (a stopping runner resumes it instead).
      if (this.stopping) return;
      await this.invoke('finish', tenantId, () => failLoad(deps, tenantId, loadId, `Loading stopped: ${(error as Error).name}`));
      forget();
      return;
    }
    if (load?.status !== 'loading') {
      if (load?.status !== 'awaiting upload') forget();
      return;
    }
    let failure: string | undefined;
    // As the state machine runs a batch, by its retry policies (bulkBatch, then bulkGiveUp: what was written
    // counts, the rest are line errors); only if even that fails does the load fail. Each batch in an
    // environment of its own (a warm one when free, as Lambda reuses them), as each chunk function in AWS.
    const loadBatch = async (batch: LineRange): Promise<void> => {
      const environment = environments.pop() ?? newEnvironment();
      try {
        await loadBatchIn(environment, batch);
      } finally {
        environments.push(environment);
      }
    };
    const loadBatchIn = async (deps: BulkRunDependencies, batch: LineRange): Promise<void> => {
      const step = `load lines ${batch.first} to ${batch.last}`;
      const attempt = async (attemptNumber: number): Promise<void> => {
        if (failure || this.stopping) throw new Stopped();
        await this.invoke('chunk', tenantId, () => loadChunk(deps, file, tenantId, loadId, batch)).catch((error: unknown) => {
          deps.actions.reportError(error, { loadId, step, attempt: attemptNumber });
          throw error;
        });
      };
      let reason: string;
      try {
        await retrying(RETRY_POLICIES.bulkBatch, attempt, (error) => !(error instanceof Stopped));
        return;
      } catch (error) {
        if (!(error instanceof RetriesExhausted)) return; // stopping: the load resumes at the next start
        reason = (error.last as Error).name;
      }
      try {
        const giveUp = () => this.invoke('chunk', tenantId, () => giveUpChunk(deps, file, tenantId, loadId, batch, reason));
        await retrying(RETRY_POLICIES.bulkGiveUp, giveUp, () => !this.stopping);
      } catch (error) {
        const last = error instanceof RetriesExhausted ? error.last : error;
        deps.actions.reportError(last, { loadId, step: `give up ${step}` });
        failure = `Loading stopped: lines ${batch.first} to ${batch.last} failed ${RETRY_POLICIES.bulkBatch.attempts} times (${reason}) and what became of them could not be recorded (${(last as Error).name})`;
      }
    };
    const inFlight = new Set<Promise<void>>();
    for await (const batch of file.batches()) {
      if (this.stopping || failure) break;
      const work = this.batchSlots.run(tenantId, () => loadBatch(batch)).finally(() => inFlight.delete(work));
      inFlight.add(work);
      // Bounded memory: the batches are read only as fast as they are loaded.
      if (inFlight.size >= this.concurrency * 2) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (this.stopping) return;
    if (failure) await this.invoke('finish', tenantId, () => failLoad(deps, tenantId, loadId, failure as string));
    else await this.invoke('finish', tenantId, () => finishLoad(deps, tenantId, loadId));
    forget();
  }
}
