import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricName } from './domain/metric-names.ts';

/**
 * One Powertools Metrics instance per process, writing CloudWatch embedded metric format (EMF) lines
 * to standard output at the end of each invocation. Its namespace is the stack's (POWERTOOLS_METRICS_NAMESPACE),
 * so that two stages in one account keep their figures apart. Dimensions are of low cardinality only
 * (service, operation); the tier, the tenant and the request id go into the line as properties.
 * Under concurrent invocations (the local gateway) Powertools keeps each invocation's metrics apart.
 */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || 'BillingRunActions',
  serviceName: 'billing-run-actions',
});

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
