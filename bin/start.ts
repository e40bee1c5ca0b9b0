import { READ_SCOPE, WRITE_SCOPE } from '../lambdas/domain/caller.ts';
import { readInstanceFile, startLocalService } from '../lib/local/local-service.ts';

const dataDir = process.env.DATA_DIR ?? '.data';
const port = Number(process.env.PORT ?? 3000);
const DEMO_TENANT = 'demo';

const running = readInstanceFile(dataDir);
if (running) {
  console.error(`The service is already running from ${dataDir} (pid ${running.pid}, ${running.url}).`);
  process.exit(1);
}

const service = await startLocalService({ dataDir, port, tenants: [DEMO_TENANT] });
const token = await service.issuer.sign({ tenant: DEMO_TENANT, expiresInSeconds: 24 * 3600 });

console.log(`Billing Run Actions service on ${service.url}
  DynamoDB Local:  ${service.dynamoDbEndpoint} (data in ${dataDir})
  JWKS:            ${service.url}/.well-known/jwks.json
  API reference:   ${service.url}/docs (OpenAPI at ${service.url}/openapi.json)
  Tenant:          ${DEMO_TENANT} (provisioned)
  Step Functions:  no processor state machine is configured locally; writes succeed and no execution starts

A token for tenant '${DEMO_TENANT}' (scopes ${READ_SCOPE} ${WRITE_SCOPE}, valid 24 h):
export TOKEN=${token}

Try:
curl -s -H "Authorization: Bearer $TOKEN" ${service.url}/billingRunActions/${DEMO_TENANT}/certification/cert-1

Ctrl-C stops the service and DynamoDB Local.`);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  await service.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
