import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { TABLE, TENANTS_TABLE, documentClient } from './clients.ts';

const cutoffQuery = (IndexName: string, partition: string, sort: string, key: string, cutoff: string) =>
  new QueryCommand({
    TableName: TABLE,
    IndexName,
    KeyConditionExpression: `${partition} = :key AND ${sort} < :cutoff`,
    ExpressionAttributeValues: { ':key': key, ':cutoff': cutoff },
    Limit: 31,
  });

/**
 * The sweep of stuck processing, nothing found: a ScanCommand of the tenants, then a QueryCommand per
 * shard (16, at once) of the legacy processing index and of each tenant's shards of the keyed one.
 */
export const handler = async () => {
  const cutoff = new Date().toISOString();
  const { Items: tenants = [] } = await documentClient.send(new ScanCommand({ TableName: TENANTS_TABLE }));
  const shards = Array.from({ length: 16 }, (_, shard) => shard);
  let found = 0;
  const pages = await Promise.all(
    shards.map((shard) =>
      documentClient.send(cutoffQuery('byProcessingSince', 'processing_shard', 'processing_since', `processing#${shard}`, cutoff)),
    ),
  );
  found += pages.reduce((sum, page) => sum + (page.Items?.length ?? 0), 0);
  for (const tenant of tenants) {
    const key = (shard: number) => `${tenant.tenant_id}#processing#${shard}`;
    const tenantPages = await Promise.all(
      shards.map((shard) =>
        documentClient.send(cutoffQuery('byTenantProcessing', 'tenant_processing_key', 'tenant_processing_since', key(shard), cutoff)),
      ),
    );
    found += tenantPages.reduce((sum, page) => sum + (page.Items?.length ?? 0), 0);
  }
  return { found };
};
