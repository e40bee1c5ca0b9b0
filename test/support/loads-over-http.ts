import { expect } from 'vitest';
import { validBody } from '../../testkit/bodies.ts';
import type { TestService } from './http-service.ts';

/** `count` valid lines of billing run `run`, each its own certification and application. */
export const lineFile = (count: number, run: string): string[] =>
  Array.from({ length: count }, (_, i) =>
    JSON.stringify(validBody({ billing_run_id: run, certification_id: `${run}-cert-${i}`, application_id: `${run}-app-${i}` })),
  );

/**
 * Tenants' bulk loads through `service`, as a client runs them: start one and upload its file, read
 * it, and list which of its lines became records. Each call signs a token of the tenant it names.
 */
export function loadsOverHttp(service: TestService) {
  const tokenOf = (tenant: string) => service.issuer.sign({ tenant });
  return {
    /** Starts a load of `tenant` and uploads its file; answers the load's id. */
    async start(tenant: string, lines: string[]): Promise<string> {
      const started = await service.call('POST', `/billingRunActions/${tenant}/bulkLoads`, {
        token: await tokenOf(tenant),
        body: { source_file: 'run.ndjson' },
      });
      expect(started.status).toBe(200);
      const { url, headers } = started.body.upload;
      expect((await fetch(url, { method: 'PUT', headers, body: `${lines.join('\n')}\n` })).status).toBe(200);
      return started.body.id as string;
    },

    /** The load as its tenant reads it. */
    async read(tenant: string, id: string): Promise<Record<string, any>> {
      return (await service.call('GET', `/billingRunActions/${tenant}/bulkLoads/${id}`, { token: await tokenOf(tenant) })).body;
    },

    /** The line numbers of billing run `run`'s records, listed page by page, in order: a line loaded once appears once. */
    async lineNumbers(tenant: string, run: string): Promise<number[]> {
      const token = await tokenOf(tenant);
      const numbers: number[] = [];
      let cursor: string | undefined;
      do {
        const after = cursor ? `&exclusiveStartKey=${encodeURIComponent(cursor)}` : '';
        const path = `/billingRunActions/${tenant}/billingRun/${run}?limit=1000&fields=sys_bulk_load_record_no${after}`;
        const page = await service.call('GET', path, { token });
        expect(page.status).toBe(200);
        numbers.push(...page.body.Items.map((item: { sys_bulk_load_record_no: number }) => item.sys_bulk_load_record_no));
        cursor = page.body.LastEvaluatedKey;
      } while (cursor);
      return numbers.sort((a, b) => a - b);
    },
  };
}
