import { TokenBucket } from 'limiter';
import type { TierName } from '../../lambdas/domain/tenant.ts';
import type { StageThrottle, Tier, Tiers } from '../stack/tiers.ts';

/** A refusal names API Gateway's answer (gateway-response-templates.ts), whose template sets its body and Retry-After. */
export type Admission = { admitted: true } | { admitted: false; refusal: 'THROTTLED' | 'QUOTA_EXCEEDED'; message: string };

interface Meter {
  tier: TierName;
  bucket: TokenBucket;
  month: string;
  used: number;
}

const THROTTLED: Admission = { admitted: false, refusal: 'THROTTLED', message: 'Too Many Requests' };

const monthOf = (now: Date): string => now.toISOString().slice(0, 7);

function fullBucket(tier: Tier): TokenBucket {
  const bucket = new TokenBucket({ bucketSize: tier.burstLimit, tokensPerInterval: tier.rateLimit, interval: 'second' });
  bucket.content = tier.burstLimit; // API Gateway's bucket starts full
  return bucket;
}

/**
 * API Gateway usage plans, in process: each usage identifier key (one per tenant) has its tier's token
 * bucket and monthly quota, so one tenant's traffic never throttles another. Answers as API Gateway
 * does: 429 "Too Many Requests" when throttled, 429 "Limit Exceeded" past the quota.
 */
export class LocalUsagePlans {
  private readonly tiers: Tiers;
  private readonly tierOfKey: (key: string) => Promise<TierName | undefined>;
  private readonly meters = new Map<string, Meter>();

  constructor(tiers: Tiers, tierOfKey: (key: string) => Promise<TierName | undefined>) {
    this.tiers = tiers;
    this.tierOfKey = tierOfKey;
  }

  /** Undefined when the key belongs to no plan (API Gateway answers 403 then). */
  async admit(key: string, now = new Date()): Promise<Admission | undefined> {
    const tier = await this.tierOfKey(key);
    if (!tier) return undefined;
    let meter = this.meters.get(key);
    if (!meter || meter.tier !== tier) {
      meter = { tier, bucket: fullBucket(this.tiers[tier]), month: monthOf(now), used: meter?.used ?? 0 };
      this.meters.set(key, meter);
    }
    if (!meter.bucket.tryRemoveTokens(1)) return THROTTLED;
    const quota = this.tiers[tier].monthlyQuota;
    if (meter.month !== monthOf(now)) {
      meter.month = monthOf(now);
      meter.used = 0;
    }
    if (quota !== null && meter.used >= quota) {
      return { admitted: false, refusal: 'QUOTA_EXCEEDED', message: 'Limit Exceeded' };
    }
    meter.used++;
    return { admitted: true };
  }
}

/**
 * API Gateway's stage default method throttling, in process: one token bucket per method over all
 * callers, checked before the authorizer runs, so that a flood (of bad tokens, say) is cut off first.
 */
export class LocalStageThrottle {
  private readonly throttle: StageThrottle;
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(throttle: StageThrottle) {
    this.throttle = throttle;
  }

  admit(method: string): Admission {
    let bucket = this.buckets.get(method);
    if (!bucket) {
      bucket = fullBucket({ ...this.throttle, monthlyQuota: null });
      this.buckets.set(method, bucket);
    }
    if (bucket.tryRemoveTokens(1)) return { admitted: true };
    return THROTTLED;
  }
}

/** Key-to-tier lookups from the tenant registry, re-read at most once a second so tier changes apply quickly. */
export function cachedTierLookup(
  load: () => Promise<Map<string, TierName>>,
  maxAgeMs = 1000,
): (key: string) => Promise<TierName | undefined> {
  let cache = new Map<string, TierName>();
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  const refresh = () =>
    (loading ??= load()
      .then((fresh) => {
        cache = fresh;
        loadedAt = Date.now();
      })
      .finally(() => (loading = undefined)));
  return async (key) => {
    if (Date.now() - loadedAt > maxAgeMs || !cache.has(key)) await refresh();
    return cache.get(key);
  };
}
