import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { BillingRunAction } from '../lambdas/domain/billing-run-action.ts';
import { ROUTES } from '../lambdas/routes.ts';
import { freePort } from '../lib/local/dynamodb-local.ts';
import { proxyEvent as testProxyEvent } from '../test/support/api-gateway-event.ts';
import { validBody } from '../test/support/fixtures.ts';
import { BASELINE, type Bundle, REFERENCE } from './bundles.ts';
import { startDynamoDbStandIn } from './dynamodb-stand-in.ts';
import { TABLES, TENANT } from './fixture.ts';
import { type Figure, log, median, quantile, round } from './stats.ts';

const run = promisify(execFile);
// 41 pairs a handler: the figure is the worst of 13 medians, and with fewer pairs the noise of the
// medians alone lifts that maximum (with 25, a handler's median moved by about ±0.03 run to run here).
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 41);

/**
 * Cold start: a fresh Node process imports a bundle and serves one request against a DynamoDB stand-in
 * that answers at once; each handler's run is paired with a baseline run beside it, and the figure is
 * the worst handler's median of pair ratios.
 */
export async function coldStartFigure(bundles: Bundle[], environment: Record<string, string>, existing: BillingRunAction): Promise<Figure> {
  const standInPort = await freePort();
  const standIn = await startDynamoDbStandIn(standInPort, {
    record: existing,
    tenant: {
      tenant_id: TENANT,
      tier: 'premium',
      max_actions: 10_000_000,
      usage_identifier_key: 'bench-key',
      created_at: existing.sys_created_at,
    },
    tenantsTableName: TABLES.tenantsTableName,
  });
  // What Lambda and the stack set in a function's environment: credentials (a bulk load's start presigns
  // with them), an on-demand initialization (Powertools then logs and counts the cold start), the
  // function's name, Powertools' names, and the processor's ARN for the functions that may start it.
  const coldEnvironment = {
    ...environment,
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${standInPort}`,
    BULK_LOAD_BUCKET: 'bench-uploads',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    POWERTOOLS_SERVICE_NAME: 'billing-run-actions',
    POWERTOOLS_METRICS_NAMESPACE: 'BillingRunActions',
  };
  const functionEnvironment = (name: string): Record<string, string> => ({
    AWS_LAMBDA_FUNCTION_NAME: name,
    ...(ROUTES.find((route) => route.operation === name)?.access.startsProcessing && {
      STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:bench-processor',
    }),
  });

  // --- cold start: a fresh process imports the bundle and serves one request -------------------
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256' }] };
  const jwksServer = createServer((_request, response) => response.end(JSON.stringify(jwks)));
  const jwksPort = await freePort();
  await new Promise<void>((resolve) => jwksServer.listen(jwksPort, '127.0.0.1', resolve));
  const token = await new SignJWT({ tenant_id: TENANT, scope: 'billing-run-actions:read billing-run-actions:write' })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench' })
    .setIssuer('bench-issuer')
    .setAudience('bench')
    .setSubject('bench')
    .setExpirationTime('1h')
    .sign(privateKey as CryptoKey);
  const authEnvironment = { JWT_ISSUER: 'bench-issuer', JWT_AUDIENCE: 'bench', JWKS_URL: `http://127.0.0.1:${jwksPort}/` };

  const one = { tenantId: TENANT, id: existing.id };
  const authorizer = {
    principalId: 'bench',
    tenants: JSON.stringify([TENANT]),
    scope: 'billing-run-actions:read billing-run-actions:write',
    expiresAt: String(Math.floor(Date.now() / 1000) + 3600),
  };
  const proxyEvent = (options: Parameters<typeof testProxyEvent>[0]) => testProxyEvent({ authorizer, ...options });
  const eventFor = (name: string, runIndex: number): unknown => {
    const resource = ROUTES.find((route) => route.operation === name)?.path ?? '/billingRunActions/{tenantId}/{id}';
    switch (name) {
      case BASELINE:
      case REFERENCE:
      case 'getBillingRunAction':
        return proxyEvent({ method: 'GET', resource, pathParameters: one });
      case 'createBillingRunAction':
        return proxyEvent({ method: 'POST', resource, pathParameters: { tenantId: TENANT }, body: validBody() });
      case 'updateBillingRunAction':
        return proxyEvent({ method: 'PUT', resource, pathParameters: one, body: validBody({ certification_id: 'cert-bench' }) });
      case 'patchBillingRunAction':
        return proxyEvent({
          method: 'PATCH',
          resource,
          pathParameters: one,
          body: [{ op: 'replace', path: '/name', value: `run ${runIndex}` }],
        });
      case 'deleteBillingRunAction':
        return proxyEvent({ method: 'DELETE', resource, pathParameters: one });
      case 'batchBillingRunActions':
        return proxyEvent({
          method: 'POST',
          resource,
          pathParameters: { tenantId: TENANT },
          body: { operations: [{ op: 'patch', id: existing.id, patch: [{ op: 'replace', path: '/status', value: 'pending' }] }] },
        });
      case 'startBulkLoad':
        return proxyEvent({
          method: 'POST',
          resource,
          pathParameters: { tenantId: TENANT },
          body: { source_file: `bench-${runIndex}.ndjson` },
        });
      case 'getBulkLoad':
        return proxyEvent({ method: 'GET', resource, pathParameters: { tenantId: TENANT, loadId: existing.id } });
      case 'authorizer':
        return {
          type: 'REQUEST',
          methodArn: `arn:aws:execute-api:us-east-1:123456789012:api/v1/GET/billingRunActions/${TENANT}/${existing.id}`,
          headers: { Authorization: `Bearer ${token}` },
          pathParameters: one,
        };
      default: {
        const route = ROUTES.find((candidate) => candidate.operation === name);
        const parameter = (route?.path.match(/\{(\w+_id)\}$/) as RegExpMatchArray)[1] as string;
        return proxyEvent({ method: 'GET', resource, pathParameters: { tenantId: TENANT, [parameter]: 'cert-bench' } });
      }
    }
  };
  const coldScript = `const started = performance.now();
    const { handler } = await import(process.env.BUNDLE);
    const imported = performance.now() - started;
    const context = {
      awsRequestId: 'cold',
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + process.env.AWS_LAMBDA_FUNCTION_NAME,
      memoryLimitInMB: '1024',
      getRemainingTimeInMillis: () => 10000,
    };
    const result = await handler(JSON.parse(process.env.EVENT), context);
    const elapsed = performance.now() - started;
    const status = result?.statusCode ?? (result?.policyDocument ? 200 : 0);
    process.stderr.write('\\nCOLD ' + JSON.stringify({ elapsed, imported, status }) + '\\n');`;
  const importTimes: Record<string, number[]> = Object.fromEntries(bundles.map((bundle) => [bundle.name, []]));
  const coldOnce = async (bundle: Bundle, runIndex: number): Promise<number> => {
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', coldScript], {
      env: {
        PATH: process.env.PATH,
        BUNDLE: bundle.file,
        EVENT: JSON.stringify(eventFor(bundle.name, runIndex)),
        ...coldEnvironment,
        ...functionEnvironment(bundle.name),
        ...authEnvironment,
      },
    });
    const line = stderr.split('\n').find((candidate) => candidate.startsWith('COLD '));
    const { elapsed, imported, status } = JSON.parse((line as string).slice(5)) as { elapsed: number; imported: number; status: number };
    if (status !== 200) throw new Error(`${bundle.name} answered ${status} on its first request: ${stderr}`);
    if (runIndex < COLD_RUNS) importTimes[bundle.name]?.push(imported);
    return elapsed;
  };
  log(`cold starts: ${bundles.length - 1} bundles x ${COLD_RUNS} fresh processes, each paired with a fresh baseline process`);
  const baseline = bundles.find((bundle) => bundle.name === BASELINE) as Bundle;
  const handlers = bundles.filter((bundle) => bundle !== baseline);
  const coldTimes: Record<string, number[]> = Object.fromEntries(bundles.map((bundle) => [bundle.name, []]));
  const pairRatios: Record<string, number[]> = Object.fromEntries(handlers.map((bundle) => [bundle.name, []]));
  // One untimed round first, so that every bundle's file is in the page cache alike.
  for (const bundle of bundles) await coldOnce(bundle, COLD_RUNS);
  // Each handler's run is paired with a baseline run next to it, and the figure is the median of the
  // pairs' ratios: a machine that slows down or speeds up during the suite moves both sides of a pair.
  for (let runIndex = 0; runIndex < COLD_RUNS; runIndex++) {
    for (const bundle of handlers) {
      // Which of the two goes first alternates, so that neither side gains from going second.
      const baseFirst = runIndex % 2 === 0;
      const first = await coldOnce(baseFirst ? baseline : bundle, runIndex);
      const second = await coldOnce(baseFirst ? bundle : baseline, runIndex);
      const [base, time] = baseFirst ? [first, second] : [second, first];
      coldTimes[BASELINE]?.push(base);
      coldTimes[bundle.name]?.push(time);
      pairRatios[bundle.name]?.push(time / base);
    }
  }
  jwksServer.close();
  standIn.close();
  const coldMedians = Object.fromEntries(Object.entries(coldTimes).map(([name, times]) => [name, median(times)]));
  const baselineCold = coldMedians[BASELINE] as number;
  const coldRatios = Object.fromEntries(Object.entries(pairRatios).map(([name, ratios]) => [name, round(median(ratios))]));

  const serviceRatios = Object.entries(coldRatios).filter(([name]) => name !== REFERENCE);
  return {
    name: 'cold_start_ratio_max',
    // The service's functions only; the reference handler (the common Powertools style) is reported beside them.
    value: Math.max(...serviceRatios.map(([, ratio]) => ratio)),
    unit: 'ratio',
    bar: '<= 1.3',
    baseline: round(baselineCold),
    details: {
      runs: COLD_RUNS,
      dynamodb: 'stand-in answering every call at once (bench/dynamodb-stand-in.ts)',
      environment:
        'as Lambda and the stack set it (on-demand initialization, function name, Powertools names, the processor ARN where a function may start it); the list functions sign cursors with a fixed key here, where in AWS they read it from Secrets Manager once per environment',
      baseline_ms: round(baselineCold),
      median_import_ms: Object.fromEntries(Object.entries(importTimes).map(([n, times]) => [n, round(median(times))])),
      median_ms: Object.fromEntries(Object.entries(coldMedians).map(([n, v]) => [n, round(v)])),
      ratios: coldRatios,
      // The middle half of each handler's pair ratios: how far a single pair may stray from the median.
      ratio_quartiles: Object.fromEntries(
        Object.entries(pairRatios).map(([name, ratios]) => [name, [round(quantile(ratios, 0.25)), round(quantile(ratios, 0.75))]]),
      ),
      reference_get_ratio: coldRatios[REFERENCE],
      get_ratio: coldRatios.getBillingRunAction,
    },
  };
}
