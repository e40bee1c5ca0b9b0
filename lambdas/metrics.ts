import { MetricUnit, Metrics } from '@aws-lambda-powertools/metrics';
import { metricsNamespace } from './config.ts';
import { METRIC, type MetricName } from './domain/metric-names.ts';

/**
 * One Powertools Metrics instance per process; each request's CloudWatch embedded metric format (EMF)
 * document goes out in the request's access line (see `take`). Its namespace is the stack's (POWERTOOLS_METRICS_NAMESPACE),
 * so that two stages in one account keep their figures apart. Dimensions are of low cardinality only
 * (service, operation); the tier, the tenant and the request id go into the line as properties.
 * Under concurrent invocations (the local gateway) Powertools keeps each invocation's metrics apart.
 */
class ServiceMetrics extends Metrics {
  /**
   * What this invocation counted, as an EMF document for the request's own log line, and cleared:
   * one line per request instead of two (CloudWatch reads the metrics of any log line holding `_aws`).
   * The document's `service` is left out: the log line carries the same `service` itself (Powertools
   * Logger reserves the key). Undefined where metrics are off (POWERTOOLS_METRICS_DISABLED).
   */
  take(): Record<string, unknown> | undefined {
    const { service: _service, ...document } = this.isDisabled()
      ? { service: undefined }
      : (this.serializeMetrics() as unknown as Record<string, unknown>);
    this.clearMetrics();
    this.clearDimensions();
    this.clearMetadata();
    return '_aws' in document ? document : undefined;
  }

  /**
   * Counts `ColdStart` once, in the first invocation of an on-demand execution environment (as Powertools
   * decides it), in the invocation's own document: Powertools' captureColdStartMetric would write a line
   * of its own, from a Metrics instance built for it, which is a measurable part of the cold start.
   */
  countColdStart(): void {
    if (this.getColdStart()) this.addMetric(METRIC.coldStart, MetricUnit.Count, 1);
  }

  /**
   * Writes what this invocation counted as its own EMF line; nothing where it counted nothing or
   * metrics are off (Powertools would print a warning of empty metrics instead).
   */
  flush(): void {
    if (!this.isDisabled() && this.hasStoredMetrics()) this.publishStoredMetrics();
    else this.take();
  }
}

export const metrics = new ServiceMetrics({
  namespace: metricsNamespace(),
  serviceName: 'billing-run-actions',
});

export function count(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}
