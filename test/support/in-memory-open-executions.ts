import type { OpenExecutions } from '../../lambdas/ports/open-executions.ts';

/** The tenants' open executions in memory, as the DynamoDB adapter keeps them (test/contract/open-executions.contract.ts holds both to one contract). */
export function inMemoryOpenExecutions(): OpenExecutions & { names(tenantId: string): string[] } {
  const open = new Map<string, Set<string>>();
  const of = (tenantId: string) => open.get(tenantId) ?? open.set(tenantId, new Set()).get(tenantId)!;
  return {
    async open(tenantId, name, cap) {
      const names = of(tenantId);
      if (names.has(name)) return true;
      if (names.size >= cap) return false;
      names.add(name);
      return true;
    },
    async close(tenantId, name) {
      of(tenantId).delete(name);
    },
    async count(tenantId) {
      return of(tenantId).size;
    },
    names: (tenantId) => [...of(tenantId)],
  };
}
