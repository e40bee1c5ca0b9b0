import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { createHandler } from '../../lambdas/http/handler-factory.ts';
import { idParameter } from '../../lambdas/http/request-parameters.ts';
import type { BillingRunAction } from '../../lambdas/domain/record-schema.ts';
import { Conflict, NotFound, RecordLocked, ValidationFailed } from '../../lambdas/domain/errors.ts';
import { createBillingRunAction } from '../../lambdas/use-cases/create-billing-run-action.ts';
import { deleteBillingRunAction } from '../../lambdas/use-cases/delete-billing-run-action.ts';
import { getBillingRunAction } from '../../lambdas/use-cases/get-billing-run-action.ts';
import { listBillingRunActions } from '../../lambdas/use-cases/list-billing-run-actions.ts';
import { patchBillingRunAction } from '../../lambdas/use-cases/patch-billing-run-action.ts';
import { updateBillingRunAction } from '../../lambdas/use-cases/update-billing-run-action.ts';
import { lambdaContext, proxyEvent } from '../../testkit/api-gateway-event.ts';
import { caller } from '../support/fixtures.ts';
import { validBody } from '../../testkit/bodies.ts';
import { dependencies, inMemoryRepository } from '../support/in-memory-repository.ts';

/** The use cases on the in-memory repository: their rules, without DynamoDB or HTTP. */
const setUp = () => {
  const stand = inMemoryRepository();
  return { ...stand, deps: dependencies(stand.repository) };
};
const created = async (deps: ReturnType<typeof setUp>['deps'], overrides: Record<string, unknown> = {}): Promise<BillingRunAction> =>
  (await createBillingRunAction(deps, caller(), { body: validBody(overrides) })).record;

describe('create', () => {
  it('stamps a new record with a server id, version 1 and who made it', async () => {
    const { deps, records } = setUp();
    const record = await created(deps);
    expect(record).toMatchObject({
      ...validBody(),
      id: 'new-1',
      sys_version: 1,
      sys_created_by_id: 'user-1',
      sys_last_modified_by_id: 'user-1',
    });
    expect(record.sys_last_security_context).toMatchObject({
      principal: 'user-1',
      tenant: 'tenant-a',
      operation: 'createBillingRunAction',
    });
    expect(records.get('new-1')).toEqual(record);
  });

  it('refuses an id, unknown fields and values DynamoDB cannot store, and stores nothing', async () => {
    const { deps, records } = setUp();
    for (const body of [
      validBody({ id: 'mine' }),
      validBody({ colour: 'red' }),
      validBody({ training_provider_billing_records: [{ n: 1e200 }] }),
    ]) {
      await expect(createBillingRunAction(deps, caller(), { body })).rejects.toBeInstanceOf(ValidationFailed);
    }
    expect(records.size).toBe(0);
  });
});

describe('get', () => {
  it('answers the record, or the requested fields and id, and 404 for an unknown id', async () => {
    const { deps } = setUp();
    const record = await created(deps);
    expect(await getBillingRunAction(deps, caller(), { id: record.id, consistentRead: false })).toEqual(record);
    expect(await getBillingRunAction(deps, caller(), { id: record.id, consistentRead: true, fields: new Set(['status']) })).toEqual({
      id: record.id,
      status: 'pending',
    });
    await expect(getBillingRunAction(deps, caller(), { id: 'nope', consistentRead: false })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('update', () => {
  it('replaces the writable fields as the next version and keeps the creation fields', async () => {
    const { deps } = setUp();
    const record = await created(deps);
    const updated = await updateBillingRunAction(deps, caller({ principal: 'user-2' }), {
      id: record.id,
      body: validBody({ status: 'completed' }),
    });
    expect(updated).toMatchObject({ status: 'completed', sys_version: 2, sys_created_by_id: 'user-1', sys_last_modified_by_id: 'user-2' });
  });

  it('refuses a stale sys_version (409), another id (400), a locked record (403) and an unknown one (404)', async () => {
    const { deps } = setUp();
    const record = await created(deps);
    const locked = await created(deps, { sys_locked: true });
    await expect(updateBillingRunAction(deps, caller(), { id: record.id, body: validBody({ sys_version: 7 }) })).rejects.toBeInstanceOf(
      Conflict,
    );
    await expect(updateBillingRunAction(deps, caller(), { id: record.id, body: validBody({ id: 'other' }) })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
    await expect(updateBillingRunAction(deps, caller(), { id: locked.id, body: validBody() })).rejects.toBeInstanceOf(RecordLocked);
    await expect(updateBillingRunAction(deps, caller(), { id: 'nope', body: validBody() })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('patch', () => {
  it('applies the patch as the next version, and a patch that changes nothing writes nothing', async () => {
    const { deps, log } = setUp();
    const record = await created(deps);
    const patched = await patchBillingRunAction(deps, caller(), {
      id: record.id,
      patch: [{ op: 'replace', path: '/status', value: 'excluded' }],
    });
    expect(patched).toMatchObject({ status: 'excluded', sys_version: 2 });
    const writes = log.filter((entry) => entry.startsWith('replace')).length;
    const same = await patchBillingRunAction(deps, caller(), {
      id: record.id,
      patch: [{ op: 'replace', path: '/status', value: 'excluded' }],
    });
    expect(same).toEqual(patched);
    expect(log.filter((entry) => entry.startsWith('replace'))).toHaveLength(writes);
  });

  it('answers a failed test with 409 and a result that is no record with 400', async () => {
    const { deps } = setUp();
    const record = await created(deps);
    await expect(
      patchBillingRunAction(deps, caller(), { id: record.id, patch: [{ op: 'test', path: '/status', value: 'x' }] }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(patchBillingRunAction(deps, caller(), { id: record.id, patch: [{ op: 'remove', path: '/name' }] })).rejects.toBeInstanceOf(
      ValidationFailed,
    );
  });
});

describe('delete', () => {
  it('removes the record from reads, and a second delete is 404', async () => {
    const { deps } = setUp();
    const record = await created(deps);
    expect(await deleteBillingRunAction(deps, caller(), { id: record.id })).toBe(record.id);
    await expect(getBillingRunAction(deps, caller(), { id: record.id, consistentRead: true })).rejects.toBeInstanceOf(NotFound);
    await expect(deleteBillingRunAction(deps, caller(), { id: record.id })).rejects.toBeInstanceOf(NotFound);
  });
});

describe('list', () => {
  it('pages through one lookup value in creation order with a signed cursor', async () => {
    const { deps } = setUp();
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await created(deps, { certification_id: 'cert-x' })).id);
    await created(deps, { certification_id: 'cert-y' });
    const input = { lookup: 'certification' as const, value: 'cert-x', limit: 2, fields: new Set(['status']) };
    const first = await listBillingRunActions(deps, caller(), input);
    expect(first).toMatchObject({
      Count: 2,
      Items: [
        { id: ids[0], status: 'pending' },
        { id: ids[1], status: 'pending' },
      ],
    });
    const seen = [...first.Items.map((item) => item.id)];
    let cursor = first.LastEvaluatedKey;
    while (cursor) {
      const page = await listBillingRunActions(deps, caller(), { ...input, exclusiveStartKey: cursor });
      seen.push(...page.Items.map((item) => item.id));
      cursor = page.LastEvaluatedKey;
    }
    expect(seen).toEqual(ids);
    await expect(
      listBillingRunActions(deps, caller(), { ...input, value: 'cert-y', exclusiveStartKey: first.LastEvaluatedKey }),
    ).rejects.toBeInstanceOf(ValidationFailed);
  });
});

describe('a handler with dependencies handed in', () => {
  it('serves its operation through the whole Middy chain on the in-memory repository, without DynamoDB', async () => {
    const { deps } = setUp();
    const record = await createBillingRunAction(deps, caller({ tenantId: 't1' }), { body: validBody() });
    const handler = createHandler(
      'getBillingRunAction',
      {
        params: z.object({ id: idParameter }),
        run: ({ params }, who, given) => getBillingRunAction(given, who, { id: params.id, consistentRead: false }),
      },
      () => deps,
    );
    const event = proxyEvent({
      method: 'GET',
      resource: '/billingRunActions/{tenantId}/{id}',
      pathParameters: { tenantId: 't1', id: record.record.id },
    });
    const answer = await handler(event, lambdaContext());
    expect(answer.statusCode).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(record.record);
    const missing = await handler({ ...event, pathParameters: { tenantId: 't1', id: 'nope' } }, lambdaContext());
    expect(missing.statusCode).toBe(404);
  });
});
