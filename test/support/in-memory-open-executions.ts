import type { OpenExecutions } from '../../lambdas/ports/open-executions.ts';

/** The tenants' open executions in memory, as the DynamoDB adapter keeps them (test/contract/open-executions.contract.ts holds both to one contract). */
export function inMemoryOpenExecutions(now: () => Date = () => new Date()): OpenExecutions & { names(tenantId: string): string[] } {
  const open = new Map<string, Map<string, string>>();
  const of = (tenantId: string) => open.get(tenantId) ?? open.set(tenantId, new Map()).get(tenantId)!;
  return {
    async open(tenantId, name, cap) {
      const names = of(tenantId);
      if (names.has(name)) return true;
      if (names.size >= cap) return false;
      names.set(name, now().toISOString());
      return true;
    },
    async openedBefore(tenantId, before) {
      return [...of(tenantId)].filter(([, openedAt]) => openedAt < before).map(([name]) => name);
    },
    async close(tenantId, name) {
      of(tenantId).delete(name);
    },
    async count(tenantId) {
      return of(tenantId).size;
    },
    names: (tenantId) => [...of(tenantId).keys()],
  };
}
