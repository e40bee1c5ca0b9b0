import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ROUTES, type Route } from '../../lambdas/routes.ts';
import { buildOpenApiDocument } from '../../lib/openapi/openapi.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const committed = JSON.parse(readFileSync(resolve(ROOT, 'openapi.json'), 'utf8'));

const service = serviceForThisFile({ tenants: ['tenant-a'] });

describe('the OpenAPI document', () => {
  it('is current: openapi.json is what `npm run openapi` writes now', () => {
    expect(committed, 'openapi.json is stale: run npm run openapi').toEqual(buildOpenApiDocument());
  });

  it('describes every operation of the route table, with its parameters, body and every error status', () => {
    const operations = Object.entries(committed.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation })),
    );
    expect(operations.map((o) => o.operation.operationId).sort()).toEqual(ROUTES.map((route) => route.operation).sort());
    for (const route of ROUTES) {
      const { operation } = operations.find((o) => o.path === route.path && o.method === route.method) ?? {};
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '413', '429', '500']);
      const pathParameters = operation.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name);
      expect(pathParameters).toEqual([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]));
      expect(Boolean(operation.requestBody), route.operation).toBe(route.hasBody);
    }
    expect(committed.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(committed.components.schemas.BillingRunAction.properties.status.enum).toContain('processing order');
  });

  it('passes Redocly CLI lint', async () => {
    const { stdout, stderr } = await run(resolve(ROOT, 'node_modules/.bin/redocly'), ['lint', 'openapi.json', '--format', 'stylish'], {
      cwd: ROOT,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    expect(`${stdout}${stderr}`).toMatch(/valid/i);
  }, 60_000);

  it('matches what the running service answers, for a sample of every operation', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajv.addSchema(committed, 'openapi');
    const check = (name: string, body: unknown) => {
      const validate = ajv.getSchema(`openapi#/components/schemas/${name}`);
      expect(validate, name).toBeDefined();
      expect(validate?.(body), `${name}: ${JSON.stringify(validate?.errors)}`).toBe(true);
    };
    const base = '/billingRunActions/tenant-a';
    const created = await service.call('POST', base, {
      token: service.token,
      body: validBody({ sys_calculated_field_errors: [{ field: 'name', error: 'x' }] }),
    });
    check('BillingRunAction', created.body);
    const id = created.body.id;
    check('BillingRunAction', (await service.call('GET', `${base}/${id}`, { token: service.token })).body);
    // A projection answers some fields only: the document says so for get and for list items.
    const projected = (await service.call('GET', `${base}/${id}?fields=status`, { token: service.token })).body;
    check('BillingRunActionFields', projected);
    expect(ajv.getSchema('openapi#/components/schemas/BillingRunAction')?.(projected)).toBe(false);
    expect(committed.paths['/billingRunActions/{tenantId}/{id}'].get.responses['200'].content['application/json'].schema.$ref).toMatch(
      /BillingRunActionFields$/,
    );
    check('ListPage', (await service.call('GET', `${base}/certification/cert-1?fields=status,name`, { token: service.token })).body);
    check(
      'BillingRunAction',
      (await service.call('PUT', `${base}/${id}`, { token: service.token, body: validBody({ status: 'completed' }) })).body,
    );
    check(
      'BillingRunAction',
      (
        await service.call('PATCH', `${base}/${id}`, {
          token: service.token,
          body: [{ op: 'replace', path: '/status', value: 'excluded' }],
        })
      ).body,
    );
    for (const route of (ROUTES as readonly Route[]).filter((candidate) => candidate.lookup)) {
      const path = route.path.replace('{tenantId}', 'tenant-a').replace(/\{\w+\}$/, 'cert-1');
      check('ListPage', (await service.call('GET', `${path}?limit=1`, { token: service.token })).body);
    }
    const batch = await service.call('POST', `${base}/batch`, {
      token: service.token,
      body: {
        operations: [
          { op: 'patch', id, patch: [{ op: 'replace', path: '/name', value: 'b' }] },
          { op: 'delete', id: 'missing' },
        ],
      },
    });
    check('BatchResult', batch.body);
    const deleted = await service.call('DELETE', `${base}/${id}`, { token: service.token });
    expect(deleted.body).toBe(id);
    for (const refused of [
      await service.call('GET', `${base}/${id}`, { token: service.token }),
      await service.call('POST', base, { token: service.token, body: { name: 1 } }),
      await service.call('GET', `${base}/x`),
    ]) {
      check('Error', refused.body);
    }
    // And the request bodies the document describes are the ones the service accepts.
    check('BillingRunActionCreate', validBody());
    check('JsonPatch', [{ op: 'replace', path: '/status', value: 'excluded' }]);
    check('BatchRequest', { operations: [{ op: 'delete', id: 'x' }] });
  });
});

describe('the local service', () => {
  it('serves the document and the reference page without authentication', async () => {
    const document = await service.call('GET', '/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.paths).toEqual(committed.paths);
    expect(document.body.servers[0].url).toBe(service.url);
    const page = await fetch(`${service.url}/docs`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<redoc spec-url="/openapi.json">');
    const script = await fetch(`${service.url}/docs/redoc.standalone.js`);
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(100_000);
  });
});
