import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { freePort } from '../../lib/local/dynamodb-local.ts';
import { type LocalService, type LocalServiceOptions, startLocalService } from '../../lib/local/local-service.ts';
import { TIERS } from '../../lambdas/domain/tenant.ts';
import type { Tiers } from '../../lib/stack/tiers.ts';
import { loadEnded, uniqueName } from './fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { pollUntil } from './poll.ts';

/** The local service of a test file, with ways to call it. */
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
  /** Creates a valid record of tenant-a (fields overridden) through HTTP with `token`, expects 200 and answers the record. */
  createRecord(overrides?: Record<string, unknown>): Promise<Record<string, any>>;
  /** Reads a bulk load of `tenant` (each read a 200) until it has ended, and answers it as it ended. */
  followLoad(tenant: string, loadId: string, options: { timeoutMs: number; intervalMs?: number }): Promise<Record<string, any>>;
  /** A token of tenant-a with every scope. */
  token: string;
}

type Started = TestService & { stopAll(): Promise<void> };

/** How a file's service differs from the usual one; every option has the default most files want. */
interface ServiceOptions {
  /** Provisioned at start; by default tenant-a and tenant-b. */
  tenants?: string[];
  /** By default UNTHROTTLED. */
  tiers?: Tiers;
  /** 0 by default: most tests change tenants between requests, which a cached decision would hide. */
  authorizerCacheTtlSeconds?: number;
  /** AWS's limits, lowered for the tests that meet them. */
  limits?: LocalServiceOptions['limits'];
  /** DynamoDB's capacity limits, emulated (off by default: the tests that meet them say so). */
  capacity?: LocalServiceOptions['capacity'];
  /**
   * Who works the processed actions. By default no worker: a record put in processing stays there,
   * dispatched and waiting, so the tests of other things see it unchanged; the processing tests name theirs.
   */
  processing?: LocalServiceOptions['processing'];
  /** The change stream's consumer: off by default (the tests of summaries and events turn it on, and may wrap it to make it fail). */
  changes?: LocalServiceOptions['changes'];
  /** The DynamoDB the service uses, when not the test run's DynamoDB Local itself (asked when the service starts). */
  dynamoDbEndpoint?: () => string;
}

/** Limits high enough that only the tests about throttling meet them. */
export const UNTHROTTLED: Tiers = Object.fromEntries(
  TIERS.map((tier) => [tier, { rateLimit: 1_000_000, burstLimit: 1_000_000, monthlyQuota: null }]),
) as Tiers;

/**
 * The local service as `npm start` runs it (gateway, authorizer, handlers, issuer), on a free port, with
 * its own tables in the test run's DynamoDB Local. Tenants listed are provisioned.
 */
async function startTestService({
  tenants = ['tenant-a', 'tenant-b'],
  tiers = UNTHROTTLED,
  authorizerCacheTtlSeconds = 0,
  limits = {},
  capacity = 'off',
  dynamoDbEndpoint = () => inject('dynamoDbEndpoint'),
  processing = { worker: { kind: 'none' }, timeoutMs: 24 * 60 * 60 * 1000 },
  changes = 'off',
}: ServiceOptions): Promise<Started> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bra-test-'));
  const service = await startLocalService({
    dataDir,
    port: await freePort(),
    inMemory: true,
    dynamoDbEndpoint: dynamoDbEndpoint(),
    tables: { tableName: uniqueName('actions'), tenantsTableName: uniqueName('tenants') },
    tenants,
    tiers,
    processing,
    changes,
    capacity,
    authorizerCacheTtlSeconds,
    limits,
  });
  const testService: Started = {
    ...service,
    dataDir,
    token: await service.issuer.sign({ tenant: 'tenant-a' }),
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
    async createRecord(overrides = {}) {
      const response = await testService.call('POST', '/billingRunActions/tenant-a', {
        token: testService.token,
        body: validBody(overrides),
      });
      expect(response.status, response.text).toBe(200);
      return response.body as Record<string, any>;
    },
    followLoad(tenant, loadId, options) {
      return pollUntil(
        async () => {
          const { status, body } = await testService.call('GET', `/billingRunActions/${tenant}/bulkLoads/${loadId}`, {
            token: testService.token,
          });
          expect(status).toBe(200);
          return body as Record<string, any>;
        },
        { what: `The end of bulk load ${loadId}`, until: loadEnded, ...options },
      );
    },
    async stopAll() {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return testService;
}

/**
 * The service of the tests of one file (or of the describe block it is called in): started before
 * them, stopped after them. Usable at module level, in helpers the tests call; reading it before the
 * service started throws.
 */
export function serviceForThisFile(options: ServiceOptions = {}): TestService {
  let started: Started | undefined;
  beforeAll(async () => {
    started = await startTestService(options);
  });
  afterAll(() => started?.stopAll());
  return new Proxy({} as TestService, {
    get(_target, property) {
      if (!started) {
        throw new Error(
          `The service of this file was used (reading '${String(property)}') before it started: use it in a test or a hook, not while the file loads`,
        );
      }
      return Reflect.get(started, property);
    },
  });
}
