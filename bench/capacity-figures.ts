import { fork } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './bundles.ts';
import { SCALE } from './scale.ts';
import { type Figure, log } from './stats.ts';

/**
 * The figures a bench child (`script`, bench/*-child.ts) measures in a process of its own: the local
 * service there sets the functions' environment and builds their dependencies fresh, as npm start does,
 * which this process's earlier steps (the list figure) have set otherwise.
 */
export async function childFigures(script: string, endpoint: string): Promise<Figure[]> {
  const child = fork(join(ROOT, script), {
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
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`${script} exited with ${code}`))));
  });
}

/** tenant_create_rate_ratio, hot_key_bulk_load_ratio and the neighbour figures, measured by bench/capacity-child.ts. */
export async function capacityFigures(endpoint: string): Promise<Figure[]> {
  log(`capacity: a tenant's creates at rising rates, and a one-billing-run load, under the emulator at scale ${SCALE}`);
  return childFigures('bench/capacity-child.ts', endpoint);
}
