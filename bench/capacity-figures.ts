import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './bundles.ts';
import { type Figure, log } from './stats.ts';

/**
 * tenant_create_rate_ratio and hot_key_bulk_load_ratio, measured by bench/capacity-child.ts in a process
 * of its own: the local service there sets the functions' environment and builds their dependencies
 * fresh, as npm start does, which this process's earlier steps (the list figure) have set otherwise.
 */
export async function capacityFigures(endpoint: string): Promise<Figure[]> {
  log("capacity: a tenant's creates at rising rates, and a one-billing-run load, under the emulator at scale 20");
  const child = fork(join(ROOT, 'bench/capacity-child.ts'), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: {
      ...process.env,
      BENCH_DYNAMODB_ENDPOINT: endpoint,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'true',
      TABLE_NAME: '',
      TENANTS_TABLE_NAME: '',
      DYNAMODB_ENDPOINT: '',
    },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (figures) => resolve(figures as Figure[]));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the capacity bench exited with ${code}`))));
  });
}
