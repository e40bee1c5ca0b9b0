import { Duration } from 'aws-cdk-lib';
import { JitterType, type RetryProps } from 'aws-cdk-lib/aws-stepfunctions';
import type { RetryPolicy } from '../../lambdas/retry-policies.ts';

/**
 * A state machine's retrier for one of the service's retry policies (lambdas/retry-policies.ts), on the
 * given errors: Step Functions' `MaxAttempts` counts the retries (the policy's attempts less the first),
 * its waits start at `IntervalSeconds` and double; a policy with full jitter caps them (`MaxDelaySeconds`)
 * and draws each at random up to its cap, as the functions' loops do.
 */
export function retrierOf(policy: RetryPolicy, errors: string[]): RetryProps {
  return {
    errors,
    interval: Duration.seconds(policy.baseMs / 1000),
    maxAttempts: policy.attempts - 1,
    backoffRate: 2,
    ...(policy.jitter !== 'none' && { maxDelay: Duration.seconds(policy.capMs / 1000), jitterStrategy: JitterType.FULL }),
  };
}
