import { READ_SCOPE, WRITE_SCOPE } from '../lambdas/domain/caller.ts';
import { CommandFailed, UsageError, runCommand } from '../lib/commands/command-line.ts';
import { readInstanceFile, startLocalService } from '../lib/local/local-service.ts';
import { capacityFrom, describeCapacity } from '../lib/local/capacity/settings.ts';
import { describeWorker, processingFrom } from '../lib/local/processing/workers.ts';

const usage =
  'usage: npm start (settings from the environment: PORT, DATA_DIR, TIERS, AUTHORIZER_CACHE_TTL, DYNAMODB_ENDPOINT, DYNAMODB_CAPACITY, LOCAL_WORKER, LOCAL_WORKER_DELAY_MS, PROCESSING_TIMEOUT_SECONDS; see the README)';
const DEMO_TENANT = 'demo';

await runCommand(usage, async () => {
  const dataDir = process.env.DATA_DIR ?? '.data';
  const portText = process.env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`PORT must be a port number from 0 to 65535, not '${portText}'.`);

  const dynamoDbEndpoint = process.env.DYNAMODB_ENDPOINT || undefined;
  if (dynamoDbEndpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(dynamoDbEndpoint)) {
    throw new UsageError(
      `DYNAMODB_ENDPOINT must be the URL of a DynamoDB endpoint, e.g. http://127.0.0.1:8000, not '${dynamoDbEndpoint}'.`,
    );
  }
  let capacity: ReturnType<typeof capacityFrom>;
  try {
    capacity = capacityFrom(process.env.DYNAMODB_CAPACITY);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}.`);
  }

  let processing: ReturnType<typeof processingFrom>;
  try {
    processing = processingFrom(process.env);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}.`);
  }

  const running = readInstanceFile(dataDir);
  if (running) {
    throw new CommandFailed(
      `The service is already running from ${dataDir} (pid ${running.pid}, ${running.url}); stop it first, or start another with another DATA_DIR and PORT.`,
    );
  }

  const service = await startLocalService({ dataDir, port, tenants: [DEMO_TENANT], dynamoDbEndpoint, capacity, processing }).catch(
    (error: unknown) => {
      if ((error as { code?: string }).code === 'EADDRINUSE') {
        throw new CommandFailed(`Port ${port} is in use; stop what uses it, or start on another port: PORT=${port + 1} npm start`);
      }
      throw error;
    },
  );
  const token = await service.issuer.sign({ tenant: DEMO_TENANT, expiresInSeconds: 24 * 3600 });

  console.log(`Billing Run Actions service on ${service.url}
  DynamoDB:        ${dynamoDbEndpoint ?? `DynamoDB Local (data in ${dataDir})`}
  Capacity:        ${describeCapacity(capacity)}${service.capacity ? `, at ${service.dynamoDbEndpoint}` : ''}
  JWKS:            ${service.url}/.well-known/jwks.json
  API reference:   ${service.url}/docs (OpenAPI at ${service.url}/openapi.json)
  Tenant:          ${DEMO_TENANT} (provisioned)
  Processing:      a record put in processing goes through the local queue of starts, the starter and the
                   default processor (timeout ${processing.timeoutMs / 1000} s), worked by ${describeWorker(processing.worker)};
                   a worker calls back with SendTaskSuccess/SendTaskFailure at ${service.url}/_aws (AWS_ENDPOINT_URL_SFN)

A token for tenant '${DEMO_TENANT}' (scopes ${READ_SCOPE} ${WRITE_SCOPE}, valid 24 h):
export TOKEN=${token}

Try:
curl -s -H "Authorization: Bearer $TOKEN" ${service.url}/billingRunActions/${DEMO_TENANT}/certification/cert-1

Ctrl-C stops the service${dynamoDbEndpoint ? '' : ' and DynamoDB Local'}.`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    if (service.capacity) console.log(service.capacity.report().line);
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
});
