import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { TENANT_ID_PATTERN } from '../../lambdas/domain/billing-run-action.ts';
import { UsageError } from './command-line.ts';
import { CheckFailed, call, expectStatus, expectThat } from './smoke-calls.ts';
import { isLoadEnded } from '../../lambdas/domain/bulk-load.ts';
import { LOOKUP_TABLE } from '../../lambdas/domain/billing-run-action.ts';

export const USAGE = `usage: npm run smoke -- --url <API base URL> --token <JWT> --tenant <id>
Runs every operation once against a deployed stack (or npm start), checks its run's summary, then the refusals, cleans up, and exits 0 or 1.`;

/** How long the smoke test's bulk load may take to end (a few lines: seconds in AWS and locally). */
const BULK_LOAD_DEADLINE_MS = 180_000;
/** How long the run's summary may take to count the records: it follows the writes by seconds (docs/api.md, Run summaries). */
const SUMMARY_DEADLINE_MS = 120_000;
const POLL_MS = 500;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseSmokeCommand(argv: string[]): { url: string; token: string; tenant: string } {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, token: { type: 'string' }, tenant: { type: 'string' } },
    strict: true,
  });
  if (!values.url || !/^https?:\/\//.test(values.url)) throw new UsageError('--url <API base URL> is required (http:// or https://).');
  if (!values.token) throw new UsageError('--token <JWT> is required: a token of the issuer whose tenant claim lists --tenant.');
  if (!values.tenant || !TENANT_ID_PATTERN.test(values.tenant))
    throw new UsageError('--tenant <id> is required (letters, digits, _ and -).');
  return { url: values.url.replace(/\/+$/, ''), token: values.token, tenant: values.tenant };
}

/** How many of `statuses` are each status, as a summary's `by_status` counts them. */
function countsOf(statuses: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

const sameCounts = (counted: Record<string, number> = {}, expected: Record<string, number>): boolean =>
  Object.keys(counted).length === Object.keys(expected).length && Object.entries(expected).every(([key, n]) => counted[key] === n);

/**
 * Reads the run's summary, as a client must (it follows the writes by seconds), until it counts exactly
 * the records with `statuses` (their number, and how many are in each status) or the deadline passes.
 * Until the stream has counted the run's first change it is 404; a throttle or a 5xx is read again, any
 * other refusal fails at once.
 */
async function summaryCounting(summaryUrl: string, token: string, statuses: string[]): Promise<string> {
  const expected = countsOf(statuses);
  for (const deadline = Date.now() + SUMMARY_DEADLINE_MS; ; await wait(POLL_MS)) {
    const answer = await call(summaryUrl, { token });
    const { total, by_status: byStatus } = answer.body;
    if (answer.status === 200 && total === statuses.length && sameCounts(byStatus, expected)) {
      return `${total} records, by status ${JSON.stringify(byStatus)}`;
    }
    if (answer.status !== 404 && answer.status !== 429 && answer.status < 500) expectStatus(answer, 200);
    if (Date.now() >= deadline) {
      throw new CheckFailed(
        `after ${SUMMARY_DEADLINE_MS / 1000} s the run's summary does not count the ${statuses.length} records created ` +
          `(by status ${JSON.stringify(expected)}); it answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
  }
}

/**
 * The smoke test of a running service: every operation once (create, get, fields, patch, put, the four
 * lists, batch, a bulk load of a few lines, the run's summary once it counts them, delete), then the
 * refusals (no token 401, another tenant 403, an unknown path 404), each answer parsed as JSON.
 * Everything it creates carries lookup values of its own and is deleted at the end. One line per
 * check; 0 when every check passed, 1 otherwise.
 */
export async function runSmoke(argv: string[], print: (line: string) => void = console.log): Promise<number> {
  const { url, token, tenant } = parseSmokeCommand(argv);
  const api = `${url}/billingRunActions/${tenant}`;
  const run = `smoke-${randomUUID().slice(0, 8)}`;
  const body = (name: string) => ({
    name,
    date: '2026-11-29T10:00:00Z',
    billing_run_id: run,
    candidate_service: 'smoke',
    candidate_id: run,
    certification_id: run,
    application_id: run,
    training_provider_id: run,
    program_id: 'smoke',
    certification_notice_id: 'smoke',
    invoice_template_id: 'smoke',
    status: 'pending',
    type: 'send renewal reminder',
    training_provider_billing_records: [{ smoke: true }],
  });
  let failures = 0;
  const check = async (name: string, work: () => Promise<string | void>): Promise<boolean> => {
    const started = Date.now();
    try {
      const detail = await work();
      print(`ok    ${name} (${Date.now() - started} ms)${detail ? `: ${detail}` : ''}`);
      return true;
    } catch (error) {
      failures++;
      print(`FAIL  ${name}: ${error instanceof CheckFailed ? error.message : `${(error as Error).name}: ${(error as Error).message}`}`);
      return false;
    }
  };
  const created: string[] = [];
  /** The status of each record created, as it last answered (a loaded line's, as the file gave it): what the run's summary must count. */
  const statuses = new Map<string, string | undefined>();

  let id = '';
  await check('create', async () => {
    const record = expectStatus(await call(api, { method: 'POST', token, body: body('smoke create') }), 200);
    id = record.id;
    created.push(id);
    statuses.set(id, record.status);
    return id;
  });
  if (id) {
    await check('get', async () =>
      expectThat(expectStatus(await call(`${api}/${id}`, { token }), 200).id === id, 'the record came back with another id'),
    );
    await check('get with fields', async () => {
      const got = expectStatus(await call(`${api}/${id}?fields=status,sys_version&consistentRead=true`, { token }), 200);
      expectThat(JSON.stringify(Object.keys(got).sort()) === '["id","status","sys_version"]', `fields gave ${Object.keys(got)}`);
    });
    await check('patch', async () => {
      const patched = expectStatus(
        await call(`${api}/${id}`, { method: 'PATCH', token, body: [{ op: 'replace', path: '/name', value: 'smoke patched' }] }),
        200,
      );
      statuses.set(id, patched.status);
      expectThat(patched.sys_version === 2 && patched.name === 'smoke patched', `patch left version ${patched.sys_version}`);
    });
    await check('update', async () => {
      const updated = expectStatus(
        await call(`${api}/${id}`, { method: 'PUT', token, body: { ...body('smoke updated'), sys_version: 2 } }),
        200,
      );
      statuses.set(id, updated.status);
      expectThat(updated.sys_version === 3, `update left version ${updated.sys_version}`);
    });
    for (const lookup of Object.keys(LOOKUP_TABLE)) {
      await check(`list by ${lookup}`, async () => {
        const page = expectStatus(await call(`${api}/${lookup}/${run}?limit=10`, { token }), 200);
        expectThat(
          (page.Items ?? []).some((item: { id: string }) => item.id === id),
          'the record is not in the list',
        );
      });
    }
    await check('batch', async () => {
      const answer = expectStatus(
        await call(`${api}/batch`, {
          method: 'POST',
          token,
          body: { operations: [{ op: 'patch', id, patch: [{ op: 'add', path: '/invoice_id', value: 'smoke' }] }] },
        }),
        200,
      );
      expectThat(answer.success_count === 1, `batch: ${JSON.stringify(answer.results)}`);
    });
  }
  await check('bulk load of 3 lines', async () => {
    const load = expectStatus(await call(`${api}/bulkLoads`, { method: 'POST', token, body: { source_file: `${run}.ndjson` } }), 200);
    const file = [1, 2, 3].map((n) => JSON.stringify(body(`smoke line ${n}`))).join('\n');
    const target = load.upload;
    expectThat(target !== undefined, 'the started load has no upload target');
    const sent = await fetch(target?.url ?? '', { method: target?.method ?? 'PUT', headers: target?.headers ?? {}, body: file });
    expectThat(sent.ok, `the upload answered ${sent.status}`);
    for (const deadline = Date.now() + BULK_LOAD_DEADLINE_MS; ; ) {
      const read = expectStatus(await call(`${api}/bulkLoads/${load.id}`, { token }), 200);
      if (isLoadEnded(read.status)) {
        for (let line = 1; line <= (read.loaded ?? 0); line++) statuses.set(`${load.id}/${line}`, body('').status);
        expectThat(
          read.status === 'completed' && read.loaded === 3,
          `the load ended ${read.status}: ${JSON.stringify(read).slice(0, 300)}`,
        );
        return `load ${load.id}`;
      }
      expectThat(Date.now() < deadline, `the load is still ${read.status} after ${BULK_LOAD_DEADLINE_MS / 1000} s`);
      await wait(POLL_MS);
    }
  });
  if (statuses.size > 0) {
    await check('run summary', () => summaryCounting(`${api}/billingRun/${run}/summary`, token, [...statuses.values()].map(String)));
  }

  await check('no token: 401', async () => void expectStatus(await call(`${api}/${id || 'x'}`), 401));
  await check(
    'another tenant: 403',
    async () => void expectStatus(await call(`${url}/billingRunActions/${tenant}-smoke-other/x`, { token }), 403),
  );
  await check('unknown path: 404', async () => void expectStatus(await call(`${url}/no-such-operation/${run}`, { token }), 404));

  await check('delete (clean-up)', async () => {
    const page = await call(`${api}/billingRun/${run}?limit=100&fields=id`, { token });
    const ids = new Set([...created, ...(page.body.Items ?? []).map((item: { id: string }) => item.id)]);
    for (const each of ids) expectStatus(await call(`${api}/${each}`, { method: 'DELETE', token }), 200);
    if (id) expectStatus(await call(`${api}/${id}`, { token }), 404);
    return `${ids.size} records deleted`;
  });
  print(failures === 0 ? 'smoke test passed' : `smoke test FAILED: ${failures} check(s)`);
  return failures === 0 ? 0 : 1;
}
