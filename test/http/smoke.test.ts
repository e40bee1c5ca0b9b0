import { describe, expect, it } from 'vitest';
import { runSmoke } from '../../lib/commands/smoke-command.ts';
import { serviceForThisFile } from '../support/http-service.ts';

// The change stream's consumer on: the smoke test waits for its run's summary to count its records.
const service = serviceForThisFile({ changes: {} });

describe('npm run smoke against the local service', () => {
  it('runs every operation and refusal once, sees its run summary count its records, cleans up, and exits 0', async () => {
    const lines: string[] = [];
    const code = await runSmoke(['--url', service.url, '--token', service.token, '--tenant', 'tenant-a'], (line) => lines.push(line));
    expect(
      lines.filter((line) => !line.startsWith('ok    ')),
      lines.join('\n'),
    ).toEqual(['smoke test passed']);
    expect(code).toBe(0);
    for (const name of ['create', 'get', 'get with fields', 'patch', 'update', 'list by certification', 'list by application']) {
      expect(
        lines.some((line) => line.startsWith(`ok    ${name} (`)),
        name,
      ).toBe(true);
    }
    for (const name of ['list by trainingProvider', 'list by billingRun', 'batch', 'bulk load of 3 lines', 'no token: 401']) {
      expect(
        lines.some((line) => line.startsWith(`ok    ${name} (`)),
        name,
      ).toBe(true);
    }
    // The created record and the load's three lines, every one pending.
    expect(lines.some((line) => /^ok {4}run summary \(\d+ ms\): 4 records, by status \{"pending":4\}$/.test(line))).toBe(true);
    expect(lines.some((line) => /^ok {4}delete \(clean-up\) \(\d+ ms\): 4 records deleted$/.test(line))).toBe(true);
  }, 60_000);

  it('exits 1 and names the checks that failed, for a token that does not grant the tenant', async () => {
    const lines: string[] = [];
    const other = await service.issuer.sign({ tenant: 'tenant-b' });
    const code = await runSmoke(['--url', service.url, '--token', other, '--tenant', 'tenant-a'], (line) => lines.push(line));
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^FAIL {2}create: expected 200, got 403: /);
    expect(lines.at(-1)).toMatch(/^smoke test FAILED: \d+ check\(s\)$/);
  }, 60_000);
});
