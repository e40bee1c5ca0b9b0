import type { TierName } from '../../lambdas/domain/tenant.ts';

/** The outputs of the deployed stack that operator commands rely on; the CDK stack emits exactly these. */
export const OUTPUT_NAMES = {
  tenantsTableName: 'TenantsTableName',
  tableName: 'TableName',
  usagePlanId: (tier: TierName) => `UsagePlanId${tier[0]?.toUpperCase()}${tier.slice(1)}`,
} as const;
