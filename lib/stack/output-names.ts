import type { TierName } from '../../lambdas/domain/tenant.ts';

/** The outputs of the deployed stack that operator commands rely on; the CDK stack emits exactly these. */
export const OUTPUT_NAMES = {
  tenantsTableName: 'TenantsTableName',
  tableName: 'TableName',
  /** The run summaries' table, which `npm run backfill` writes (its second pass). */
  summariesTableName: 'SummariesTableName',
  /** The change events' bus (docs/events.md): subscribers put their rules on it. */
  changeEventBusName: 'ChangeEventBusName',
  changeEventBusArn: 'ChangeEventBusArn',
  usagePlanId: (tier: TierName) => `UsagePlanId${tier[0]?.toUpperCase()}${tier.slice(1)}`,
} as const;
