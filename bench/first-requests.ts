import type { BillingRunAction } from '../lambdas/domain/record-schema.ts';
import { ROUTES } from '../lambdas/routes.ts';
import { uploadKey } from '../lambdas/adapters/s3/upload-keys.ts';
import { proxyEvent as testProxyEvent } from '../testkit/api-gateway-event.ts';
import { validBody } from '../testkit/bodies.ts';
import { type Bundle, REFERENCE } from './bundles.ts';
import { SUMMARY_RUN, TENANT } from './fixture.ts';

/** The processor the writers and the starter are given, and the execution the starter's first request starts (its record waits for it). */
export const BENCH_PROCESSOR = 'arn:aws:states:us-east-1:123456789012:stateMachine:bench-processor';
export const WAITING_ID = 'bench-processing';
export const WAITING_EXECUTION = 'bra-bench';

/** The bulk load the steps' cold starts work on: its upload holds three valid lines. */
export const LOAD_ID = 'bench-load';
export const UPLOAD_LINES = [1, 2, 3].map((n) => JSON.stringify(validBody({ name: `bench line ${n}` })));
export const UPLOAD = `${UPLOAD_LINES.join('\n')}\n`;

/** The first request each function serves in its cold start (its baseline serves the same one). */
export function firstRequests(existing: BillingRunAction, token: string): (name: string, runIndex: number) => unknown {
  const one = { tenantId: TENANT, id: existing.id };
  const authorizer = {
    principalId: 'bench',
    tenants: JSON.stringify([TENANT]),
    scope: 'billing-run-actions:read billing-run-actions:write',
    expiresAt: String(Math.floor(Date.now() / 1000) + 3600),
  };
  const proxyEvent = (options: Parameters<typeof testProxyEvent>[0]) => testProxyEvent({ authorizer, ...options });
  const upload = { bucket: 'bench-uploads', key: uploadKey(TENANT, LOAD_ID), version: 'v1' };
  return (name: string, runIndex: number): unknown => {
    const resource = ROUTES.find((route) => route.operation === name)?.path ?? '/billingRunActions/{tenantId}/{id}';
    switch (name) {
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
      case 'getBillingRunSummary':
        return proxyEvent({ method: 'GET', resource, pathParameters: { tenantId: TENANT, billing_run_id: SUMMARY_RUN } });
      case 'sweepStuckProcessing':
        return {};
      case 'startProcessing':
        return {
          Records: [
            {
              messageId: `bench-${runIndex}`,
              body: JSON.stringify({ name: WAITING_EXECUTION, tenantId: TENANT, id: WAITING_ID, type: existing.type }),
            },
          ],
        };
      case 'bulkLoadPrepare':
        return upload;
      case 'bulkLoadChunk':
        return {
          ...upload,
          tenantId: TENANT,
          loadId: LOAD_ID,
          batch: { first: 1, last: UPLOAD_LINES.length, start: 0, end: Buffer.byteLength(UPLOAD), lines: UPLOAD_LINES.length },
        };
      case 'bulkLoadFinish':
        return { key: upload.key };
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
}

/** Whether a cold start served its first request as the function it stands for would (a 200, an allowing policy, a step's result). */
export function served(bundle: Bundle, servedAs: string, result: unknown): boolean {
  const answer = (result ?? {}) as Record<string, unknown>;
  if (bundle.kind === 'baseline') return answer.statusCode === undefined || answer.statusCode === 200;
  switch (servedAs) {
    case 'authorizer':
      return JSON.stringify(answer.policyDocument).includes('"Allow"');
    case 'bulkLoadPrepare':
      return answer.status === 'loading';
    case 'bulkLoadChunk':
      return answer.loaded === UPLOAD_LINES.length;
    case 'bulkLoadFinish':
      return answer.status === 'completed';
    case 'sweepStuckProcessing':
      return answer.swept === 0;
    case 'startProcessing':
      // No message to deliver again: its record waited for the execution (the stand-in's), so it started.
      return Array.isArray(answer.batchItemFailures) && answer.batchItemFailures.length === 0;
    default:
      return answer.statusCode === 200;
  }
}
