import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { freePort } from '../../lib/local/dynamodb-local.ts';
import { type LocalService, type LocalServiceOptions, startLocalService } from '../../lib/local/local-service.ts';
import { TIERS } from '../../lambdas/domain/tenant.ts';
import type { Tiers } from '../../lib/stack/tiers.ts';
import { uniqueName, validBody } from './fixtures.ts';

export interface TestService extends LocalService {
  dataDir: string;
  /** fetch against the service with JSON in and out. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** node:http rather than fetch: header names go out exactly as given (fetch lower-cases them), the answer comes back as text. */
  rawCall(
    method: string,
    path: string,
    options: { headers: Record<string, string>; body?: string },
  ): Promise<{ status: number; headers: Record<string, unknown>; text: string }>;
  /** Creates a valid record of tenant-a (fields overridden) through HTTP, expects 200 and answers the record. */
  createRecord(token: string, overrides?: Record<string, unknown>): Promise<Record<string, any>>;
  stopAll(): Promise<void>;
}

/**
 * The local service as `npm start` runs it (gateway, authorizer, handlers, issuer), on a free port, with
 * its own tables in the test run's DynamoDB Local. Tenants listed are provisioned.
 */
/** Limits high enough that only the tests about throttling meet them. */
export const UNTHROTTLED: Tiers = Object.fromEntries(
  TIERS.map((tier) => [tier, { rateLimit: 1_000_000, burstLimit: 1_000_000, monthlyQuota: null }]),
) as Tiers;

export async function startTestService(
  tenants: string[] = ['tenant-a', 'tenant-b'],
  tiers: Tiers = UNTHROTTLED,
  authorizerCacheTtlSeconds = 0,
  limits: LocalServiceOptions['limits'] = {},
): Promise<TestService> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bra-test-'));
  const service = await startLocalService({
    dataDir,
    port: await freePort(),
    inMemory: true,
    dynamoDbEndpoint: inject('dynamoDbEndpoint'),
    tables: { tableName: uniqueName('actions'), tenantsTableName: uniqueName('tenants') },
    tenants,
    tiers,
    // Most tests change tenants between requests, which a cached decision would hide.
    authorizerCacheTtlSeconds,
    limits,
  });
  const testService: TestService = {
    ...service,
    dataDir,
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.token) headers.Authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['Content-Type'] ??= 'application/json';
      }
      const response = await fetch(`${service.url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: left as text for the assertion to show
      }
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    rawCall(method, path, options) {
      return new Promise((resolve, reject) => {
        const outgoing = httpRequest(`${service.url}${path}`, { method, headers: options.headers }, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
          );
          response.on('error', reject);
        });
        outgoing.on('error', reject);
        outgoing.end(options.body);
      });
    },
    async createRecord(token, overrides = {}) {
      const response = await testService.call('POST', '/billingRunActions/tenant-a', { token, body: validBody(overrides) });
      expect(response.status).toBe(200);
      return response.body as Record<string, any>;
    },
    async stopAll() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testService;
}

/** Starts the service for the tests of one file and stops it after them; `use` receives it and a token for tenant-a. */
export function serviceForThisFile(use: (service: TestService, token: string) => void, tenants?: string[]): void {
  let started: TestService | undefined;
  beforeAll(async () => {
    started = await startTestService(tenants);
    use(started, await started.issuer.sign({ tenant: 'tenant-a' }));
  });
  afterAll(() => started?.stopAll());
}
