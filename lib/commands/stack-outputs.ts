import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { TIERS, type TierName } from '../../lambdas/domain/tenant.ts';
import { OUTPUT_NAMES } from '../stack/output-names.ts';

export interface DeployedStack {
  tableName: string;
  tenantsTableName: string;
  /** The run summaries' table; absent on a stack deployed before the change stream (only the backfill needs it). */
  summariesTableName?: string;
  usagePlanIds: Record<TierName, string>;
}

export async function readDeployedStack(client: CloudFormationClient, stackName: string): Promise<DeployedStack> {
  const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = new Map((Stacks?.[0]?.Outputs ?? []).map((output) => [output.OutputKey, output.OutputValue]));
  const required = (name: string): string => {
    const value = outputs.get(name);
    if (!value) throw new Error(`Stack ${stackName} has no output ${name}; is it the Billing Run Actions stack?`);
    return value;
  };
  return {
    tableName: required(OUTPUT_NAMES.tableName),
    tenantsTableName: required(OUTPUT_NAMES.tenantsTableName),
    ...(outputs.get(OUTPUT_NAMES.summariesTableName) && { summariesTableName: outputs.get(OUTPUT_NAMES.summariesTableName) as string }),
    usagePlanIds: Object.fromEntries(TIERS.map((tier) => [tier, required(OUTPUT_NAMES.usagePlanId(tier))])) as Record<TierName, string>,
  };
}
