import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { type CryptoKey, SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { BillingRunAction } from '../lambdas/domain/record-schema.ts';
import { ROUTES } from '../lambdas/routes.ts';
import { PROCESSING_STARTS } from '../lambdas/stack-functions.ts';
import { freePort } from '../lib/local/dynamodb-local.ts';
import { BASELINE, type Bundle, REFERENCE } from './bundles.ts';
import { BENCH_PROCESSOR, LOAD_ID, UPLOAD, UPLOAD_LINES, WAITING_EXECUTION, WAITING_ID, firstRequests, served } from './first-requests.ts';
import { startS3StandIn } from './s3-stand-in.ts';
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
export async function coldStartFigures(
  bundles: Bundle[],
  environment: Record<string, string>,
  existing: BillingRunAction,
): Promise<Figure[]> {
  const standInPort = await freePort();
  const standIn = await startDynamoDbStandIn(standInPort, {
    record: existing,
    waiting: {
      ...existing,
      id: WAITING_ID,
      status: 'processing',
      step_function_execution_arn: `${BENCH_PROCESSOR.replace(':stateMachine:', ':execution:')}:${WAITING_EXECUTION}`,
    },
    tenant: {
      tenant_id: TENANT,
      tier: 'premium',
      max_actions: 10_000_000,
      usage_identifier_key: 'bench-key',
      created_at: existing.sys_created_at,
    },
    load: {
      id: LOAD_ID,
      status: 'loading',
      source_file: 'bench.ndjson',
      lines: UPLOAD_LINES.length,
      loaded: UPLOAD_LINES.length,
      failed: 0,
      created_at: existing.sys_created_at,
      created_by: { principal: 'bench', source_ip: '127.0.0.1', user_agent: 'bench', request_id: 'bench' },
      started_at: existing.sys_created_at,
      upload_version: 'v1',
      batch_lines: 500,
      batch_bytes: 4 * 1024 * 1024,
    },
    tenantsTableName: TABLES.tenantsTableName,
  });
  const s3Port = await freePort();
  const s3 = await startS3StandIn(s3Port, UPLOAD);
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
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Port}`,
    AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${standInPort}`,
  };
  const functionEnvironment = (name: string): Record<string, string> => ({
    AWS_LAMBDA_FUNCTION_NAME: name,
    // The writers hand starts to the queue of starts; its consumer starts them on the stand-in.
    ...((name === 'bulkLoadChunk' || ROUTES.find((route) => route.operation === name)?.access.startsProcessing) && {
      STATE_MACHINE_ARN: BENCH_PROCESSOR,
      PROCESSING_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-starts',
    }),
    ...((name === PROCESSING_STARTS.operation || name === 'baseline:startExecution') && { STATE_MACHINE_ARN: BENCH_PROCESSOR }),
    // The starter knows its own queue too (a start over its tenant's cap goes back to it, delayed).
    ...(name === PROCESSING_STARTS.operation && { PROCESSING_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/bench-starts' }),
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

  const eventFor = firstRequests(existing, token);
  const coldScript = `const started = performance.now();
    const handler = (await import(process.env.BUNDLE))[process.env.HANDLER_EXPORT];
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
    process.stderr.write('\\nCOLD ' + JSON.stringify({ elapsed, imported, result }) + '\\n');`;
  const importTimes: Record<string, number[]> = Object.fromEntries(bundles.map((bundle) => [bundle.name, []]));
  // A function and its baseline serve the same first request: the function's.
  const coldOnce = async (bundle: Bundle, runIndex: number, servedAs: string): Promise<number> => {
    const { stderr } = await run(process.execPath, ['--input-type=module', '-e', coldScript], {
      env: {
        PATH: process.env.PATH,
        BUNDLE: bundle.file,
        HANDLER_EXPORT: bundle.exportName,
        EVENT: JSON.stringify(eventFor(servedAs, runIndex)),
        ...coldEnvironment,
        ...functionEnvironment(bundle.name),
        ...authEnvironment,
      },
    });
    const line = stderr.split('\n').find((candidate) => candidate.startsWith('COLD '));
    const { elapsed, imported, result } = JSON.parse((line as string).slice(5)) as { elapsed: number; imported: number; result: unknown };
    if (!served(bundle, servedAs, result)) throw new Error(`${bundle.name} (as ${servedAs}) did not serve its first request: ${stderr}`);
    if (runIndex < COLD_RUNS) importTimes[bundle.name]?.push(imported);
    return elapsed;
  };
  const paired = bundles.filter((bundle) => bundle.pairsWith !== undefined);
  const bundleNamed = (name: string) => bundles.find((bundle) => bundle.name === name) as Bundle;
  log(`cold starts: ${paired.length} bundles x ${COLD_RUNS} fresh processes, each paired with a fresh process of its baseline`);
  const coldTimes: Record<string, number[]> = Object.fromEntries(bundles.map((bundle) => [bundle.name, []]));
  const pairRatios: Record<string, number[]> = Object.fromEntries(paired.map((bundle) => [bundle.name, []]));
  // One untimed round first, so that every bundle's file is in the page cache alike.
  for (const bundle of paired) {
    await coldOnce(bundle, COLD_RUNS, bundle.name);
    await coldOnce(bundleNamed(bundle.pairsWith as string), COLD_RUNS, bundle.name);
  }
  // Each function's run is paired with a run of its baseline next to it, serving the same request, and
  // the figure is the median of the pairs' ratios: a machine that slows down or speeds up during the
  // suite moves both sides of a pair.
  for (let runIndex = 0; runIndex < COLD_RUNS; runIndex++) {
    for (const bundle of paired) {
      const baseline = bundleNamed(bundle.pairsWith as string);
      // Which of the two goes first alternates, so that neither side gains from going second.
      const baseFirst = runIndex % 2 === 0;
      const first = await coldOnce(baseFirst ? baseline : bundle, runIndex, bundle.name);
      const second = await coldOnce(baseFirst ? bundle : baseline, runIndex, bundle.name);
      const [base, time] = baseFirst ? [first, second] : [second, first];
      coldTimes[baseline.name]?.push(base);
      coldTimes[bundle.name]?.push(time);
      pairRatios[bundle.name]?.push(time / base);
    }
  }
  jwksServer.close();
  standIn.close();
  s3.close();
  const coldMedians = Object.fromEntries(
    Object.entries(coldTimes)
      .filter(([, times]) => times.length > 0)
      .map(([name, times]) => [name, median(times)]),
  );
  const bareGet = coldMedians[BASELINE] as number;
  const coldRatios = Object.fromEntries(Object.entries(pairRatios).map(([name, ratios]) => [name, round(median(ratios))]));
  const functions = paired.filter((bundle) => bundle.kind === 'function');
  const worst = functions.reduce((a, b) => ((coldRatios[a.name] ?? 0) >= (coldRatios[b.name] ?? 0) ? a : b));
  // The bars, judged within this run: no function above the reference get written in the common
  // Powertools style (against its own baseline), and the median over all functions at most 1.20.
  const reference = coldRatios[REFERENCE] as number;
  const medianRatio = round(median(functions.map((bundle) => coldRatios[bundle.name] as number)));
  const maxFigure: Figure = {
    name: 'cold_start_ratio_max',
    // The service's functions, each against its own baseline; the reference handler is reported beside them.
    value: coldRatios[worst.name] as number,
    unit: 'ratio',
    bar: `<= ${reference}`,
    baseline: round(coldMedians[worst.pairsWith as string] as number),
    details: {
      runs: COLD_RUNS,
      worst: worst.name,
      dynamodb: 'stand-in answering every call at once (bench/dynamodb-stand-in.ts); S3 likewise (bench/s3-stand-in.ts)',
      environment:
        'as Lambda and the stack set it (on-demand initialization, function name, Powertools names, the processor ARN where a function may start it); the list functions sign cursors with a fixed key here, where in AWS they read it from Secrets Manager once per environment',
      pairing: Object.fromEntries(paired.map((bundle) => [bundle.name, bundle.pairsWith])),
      baseline_ms: Object.fromEntries(
        bundles.filter((b) => b.kind === 'baseline' && coldMedians[b.name]).map((b) => [b.name, round(coldMedians[b.name] as number)]),
      ),
      median_import_ms: Object.fromEntries(
        Object.entries(importTimes)
          .filter(([, t]) => t.length > 0)
          .map(([n, times]) => [n, round(median(times))]),
      ),
      median_ms: Object.fromEntries(Object.entries(coldMedians).map(([n, v]) => [n, round(v)])),
      ratios: coldRatios,
      // Against the bare get, as before the pairing (medians of unpaired runs): the lead over the common Powertools style.
      ratios_vs_bare_get: Object.fromEntries(paired.map((bundle) => [bundle.name, round((coldMedians[bundle.name] as number) / bareGet)])),
      // The middle half of each function's pair ratios: how far a single pair may stray from the median.
      ratio_quartiles: Object.fromEntries(
        Object.entries(pairRatios).map(([name, ratios]) => [name, [round(quantile(ratios, 0.25)), round(quantile(ratios, 0.75))]]),
      ),
      reference_get_ratio: reference,
      get_ratio: coldRatios.getBillingRunAction,
    },
  };
  return [
    maxFigure,
    {
      name: 'cold_start_ratio_median',
      value: medianRatio,
      unit: 'ratio',
      bar: '<= 1.2',
      baseline: round(bareGet),
      details: { functions: functions.length, ratios: coldRatios },
    },
  ];
}
