import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type Server, createServer } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { STATUSES, TYPES } from '../../lambdas/domain/billing-run-action.ts';
import { parseEventsCommand, runEventsCommand } from '../../lib/commands/events-command.ts';
import type { StreamHandler } from '../../lib/local/streams/local-stream-source.ts';
import { validBody } from '../../testkit/bodies.ts';
import { serviceForThisFile } from '../support/http-service.ts';
import { lineFile, loadsOverHttp } from '../support/loads-over-http.ts';
import { pollUntil } from '../support/poll.ts';

/**
 * The change stream through the local service as in AWS, with the faults Lambda's event source brings:
 * every third batch is handled and then reported failed whole (the event source delivers it again), and
 * the bus refuses entries now and then (the consumer answers a partial batch failure, and the rest comes
 * again). After a mixed workload of two tenants on one billing run id, every summary equals a count over
 * a full read of the run, and every change gave one event (deduped by id and version), in version order.
 */
let invocations = 0;
const redelivering =
  (handler: StreamHandler): StreamHandler =>
  async (event, context) => {
    const answer = await handler(event, context);
    if (++invocations % 3 === 0) throw new Error('injected: the batch was handled, and its answer lost');
    return answer;
  };
/** EVENTS_WEBHOOK_URL: a receiver of the test's, given every event too. */
const posted: Record<string, any>[] = [];
const receiver: Server = createServer((request, response) => {
  let body = '';
  request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  request.on('end', () => {
    posted.push(JSON.parse(body) as Record<string, any>);
    response.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverPort = (receiver.address() as { port: number }).port;
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

// The built-in worker completes each action put in processing: the processor's write-backs are changes too.
const service = serviceForThisFile({
  changes: { wrap: redelivering, webhookUrl: `http://127.0.0.1:${receiverPort}/events` },
  processing: { worker: { kind: 'built-in', delayMs: 50 }, timeoutMs: 60_000 },
});
const RUN = 'run-2026-12';
const OTHER_RUN = 'run-2027-01';

const tokenOf = (tenant: string) => service.issuer.sign({ tenant });

async function call(tenant: string, method: string, path: string, body?: unknown) {
  const answer = await service.call(method, `/billingRunActions/${tenant}${path}`, { token: await tokenOf(tenant), body });
  expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(200);
  return answer.body as Record<string, any>;
}

async function fullRead(tenant: string, run: string): Promise<Record<string, any>[]> {
  const records: Record<string, any>[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      tenant,
      'GET',
      `/billingRun/${run}?limit=1000${cursor ? `&exclusiveStartKey=${encodeURIComponent(cursor)}` : ''}`,
    );
    records.push(...page.Items);
    cursor = page.LastEvaluatedKey;
  } while (cursor);
  return records;
}

function countOf(records: Record<string, any>[]) {
  const tally = (field: string) => {
    const counts: Record<string, number> = {};
    for (const record of records) counts[record[field]] = (counts[record[field]] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
  };
  return { total: records.length, by_status: tally('status'), by_type: tally('type') };
}

/** A tenant's mixed workload on RUN: creates of every status and type, patches, a replace to another run, deletes, a batch. */
async function workload(tenant: string): Promise<void> {
  const created = [];
  for (let n = 0; n < 18; n++) {
    const body = validBody({ billing_run_id: RUN, status: STATUSES[n % STATUSES.length], type: TYPES[n % TYPES.length] });
    created.push(await call(tenant, 'POST', '', body));
  }
  const [first, second, third, fourth, fifth, sixth] = created as Record<string, any>[];
  for (const status of ['completed', 'error', 'completed'])
    await call(tenant, 'PATCH', `/${first?.id}`, [{ op: 'replace', path: '/status', value: status }]);
  await call(tenant, 'PATCH', `/${second?.id}`, [{ op: 'replace', path: '/name', value: 'renamed, status kept' }]);
  await call(tenant, 'PUT', `/${third?.id}`, validBody({ billing_run_id: OTHER_RUN, status: 'excluded' }));
  await call(tenant, 'DELETE', `/${fourth?.id}`);
  const batch = await call(tenant, 'POST', '/batch', {
    operations: [
      { op: 'patch', id: fifth?.id, patch: [{ op: 'replace', path: '/status', value: 'payment failure' }] },
      { op: 'delete', id: sixth?.id },
    ],
  });
  expect(batch.error_count).toBe(0);
  const processed = await call(tenant, 'POST', '', validBody({ billing_run_id: RUN, status: 'processing' }));
  await pollUntil(() => call(tenant, 'GET', `/${processed.id}?consistentRead=true`), {
    what: 'the processor completing the action',
    timeoutMs: 15_000,
    until: (record) => record.status === 'completed',
  });
}

describe('run summaries and change events from the change stream', () => {
  it("counts each tenant's runs exactly and publishes every change once, through redeliveries and refused entries", async () => {
    const loads = loadsOverHttp(service);
    service.changes?.bus.refuseNext(7);
    await Promise.all([workload('tenant-a'), workload('tenant-b')]);
    const lines = [...lineFile(40, RUN), '{"not": "a record"}', JSON.stringify(validBody({ billing_run_id: RUN, status: 'nonsense' }))];
    const loadId = await loads.start('tenant-a', lines);
    const load = await service.followLoad('tenant-a', loadId, { timeoutMs: 60_000 });
    expect(load).toMatchObject({ loaded: 40, failed: 2 });
    service.changes?.bus.refuseNext(3);
    await call('tenant-b', 'POST', '', validBody({ billing_run_id: RUN, status: 'pending' }));
    await service.changes?.drained();

    for (const tenant of ['tenant-a', 'tenant-b']) {
      for (const run of [RUN, OTHER_RUN]) {
        const summary = await call(tenant, 'GET', `/billingRun/${run}/summary`);
        expect({ total: summary.total, by_status: summary.by_status, by_type: summary.by_type }).toEqual(
          countOf(await fullRead(tenant, run)),
        );
        expect(summary.billing_run_id).toBe(run);
        // Each status list is the full list filtered, in its order.
        const all = await fullRead(tenant, run);
        for (const status of Object.keys(summary.by_status)) {
          const listed = await call(tenant, 'GET', `/billingRun/${run}?limit=1000&status=${encodeURIComponent(status)}`);
          expect(listed.Items.map((record: { id: string }) => record.id)).toEqual(all.filter((r) => r.status === status).map((r) => r.id));
        }
        expect(Date.parse(summary.last_change_at)).not.toBeNaN();
      }
    }
    expect((await call('tenant-a', 'GET', `/billingRun/${RUN}/summary`)).total).toBe(19 - 3 + 40);
    expect(invocations).toBeGreaterThan(3);

    const events = readFileSync(join(service.dataDir, 'events.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // The webhook was given every event, in the file's order.
    await pollUntil(() => posted.length, { what: 'the webhook given every event', timeoutMs: 10_000, until: (n) => n === events.length });
    expect(posted).toEqual(events);
    // Every event as the JSON Schema the docs give says (docs/change-event.schema.json).
    const schema = JSON.parse(readFileSync(new URL('../../docs/change-event.schema.json', import.meta.url), 'utf8'));
    const valid = new Ajv2020({ allErrors: true, validateFormats: false }).compile(schema);
    for (const event of events) expect(valid(event) ? [] : valid.errors, JSON.stringify(event.detail)).toEqual([]);
    expect(new Set(events.map((event) => event.detail.operation))).toEqual(new Set(['created', 'replaced', 'patched', 'deleted']));
    expect(new Set(events.map((event) => `${event.source}|${event['detail-type']}`))).toEqual(
      new Set(['billing-run-actions|Billing Run Action Changed']),
    );
    for (const tenant of ['tenant-a', 'tenant-b']) {
      const mine = events.filter((event) => event.detail.tenant === tenant);
      const records = [...(await fullRead(tenant, RUN)), ...(await fullRead(tenant, OTHER_RUN))];
      const byId = new Map<string, number[]>();
      for (const event of mine) {
        const versions = byId.get(event.detail.id) ?? [];
        if (!versions.includes(event.detail.version)) versions.push(event.detail.version);
        byId.set(event.detail.id, versions);
      }
      // Every live record: one event per version, first seen in version order.
      for (const record of records)
        expect(byId.get(record.id), record.id).toEqual(Array.from({ length: record.sys_version }, (_, n) => n + 1));
      const deleted = mine.filter((event) => event.detail.operation === 'deleted');
      expect(new Set(deleted.map((event) => event.detail.id)).size).toBe(2);
      expect(byId.size).toBe(records.length + 2);
      // `npm run events -- --tenant` prints exactly the tenant's lines of the file.
      const printed: string[] = [];
      await runEventsCommand(parseEventsCommand(['--tenant', tenant], { DATA_DIR: service.dataDir }), (line) => printed.push(line));
      expect(printed.map((line) => JSON.parse(line))).toEqual(mine);
      // A tenant's events hold its own records only.
      expect(
        mine.every((event) => event.detail.record === undefined || event.detail.record.sys_last_security_context.tenant === tenant),
      ).toBe(true);
    }
  }, 120_000);

  it('answers 404 for a run that never had a record of the tenant, and 400 for a parameter it does not know', async () => {
    await call('tenant-b', 'POST', '', validBody({ billing_run_id: 'only-of-b' }));
    await service.changes?.drained();
    const other = await service.call('GET', '/billingRunActions/tenant-a/billingRun/only-of-b/summary', {
      token: await tokenOf('tenant-a'),
    });
    expect(other.status).toBe(404);
    expect(other.body.message).toMatch(/only-of-b/);
    const unknown = await service.call('GET', '/billingRunActions/tenant-a/billingRun/only-of-b/summary?status=error', {
      token: await tokenOf('tenant-a'),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.text).toMatch(/status/);
    const own = await pollUntil(() => call('tenant-b', 'GET', '/billingRun/only-of-b/summary'), {
      what: 'the summary of only-of-b',
      timeoutMs: 10_000,
    });
    expect(own).toMatchObject({ total: 1, by_status: { pending: 1 } });
  });
});
