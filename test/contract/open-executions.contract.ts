import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenExecutions } from '../../lambdas/ports/open-executions.ts';

/**
 * The contract of OpenExecutions (lambdas/ports/open-executions.ts), run against every implementation so
 * that the in-memory stand-in the starter's unit tests use behaves as the DynamoDB adapter does. Each
 * case uses tenants of its own.
 */
export function openExecutionsContract(name: string, make: () => Promise<OpenExecutions>): void {
  describe(`${name}: the OpenExecutions contract`, () => {
    let executions: OpenExecutions;
    beforeAll(async () => {
      executions = await make();
    });
    const tenant = () => `t-${randomUUID().slice(0, 8)}`;

    it('gives places up to the cap, then refuses; a closed place is free again', async () => {
      const t = tenant();
      expect(await executions.open(t, 'e-1', 2)).toBe(true);
      expect(await executions.open(t, 'e-2', 2)).toBe(true);
      expect(await executions.open(t, 'e-3', 2)).toBe(false);
      expect(await executions.count(t)).toBe(2);
      await executions.close(t, 'e-1');
      expect(await executions.open(t, 'e-3', 2)).toBe(true);
      expect(await executions.count(t)).toBe(2);
    });

    it('counts each execution once, however often it is opened or closed', async () => {
      const t = tenant();
      expect(await executions.open(t, 'e-1', 1)).toBe(true);
      expect(await executions.open(t, 'e-1', 1)).toBe(true);
      expect(await executions.count(t)).toBe(1);
      await executions.close(t, 'e-1');
      await executions.close(t, 'e-1');
      await executions.close(t, 'never-opened');
      expect(await executions.count(t)).toBe(0);
    });

    it("keeps each tenant's places apart: a tenant at its cap takes none of another's", async () => {
      const [busy, quiet] = [tenant(), tenant()];
      expect(await executions.open(busy, 'e-1', 1)).toBe(true);
      expect(await executions.open(busy, 'e-2', 1)).toBe(false);
      expect(await executions.open(quiet, 'e-1', 1)).toBe(true);
      await executions.close(quiet, 'e-1');
      expect([await executions.count(busy), await executions.count(quiet)]).toEqual([1, 0]);
    });

    it('finds the places taken before a moment, and not one closed since', async () => {
      const t = tenant();
      const before = new Date(Date.now() - 1_000).toISOString();
      await executions.open(t, 'e-1', 5);
      await executions.open(t, 'e-2', 5);
      await executions.close(t, 'e-2');
      const later = new Date(Date.now() + 1_000).toISOString();
      expect(await executions.openedBefore(t, later)).toEqual(['e-1']);
      expect(await executions.openedBefore(t, before)).toEqual([]);
    });

    it('holds the cap under concurrent opens: exactly cap of them get a place', async () => {
      const t = tenant();
      const opened = await Promise.all(Array.from({ length: 12 }, (_, n) => executions.open(t, `e-${n}`, 5)));
      expect(opened.filter(Boolean)).toHaveLength(5);
      expect(await executions.count(t)).toBe(5);
    });
  });
}
