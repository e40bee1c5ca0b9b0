import * as z from 'zod';
import { TIERS, type TierName } from '../../lambdas/domain/tenant.ts';

/**
 * The usage-plan tiers, in the one place both the CDK stack (one API Gateway usage plan per tier)
 * and the local gateway (the same limits, enforced in process) read them.
 */
const tierSchema = z.strictObject({
  /** Steady-state requests per second (token bucket refill rate). */
  rateLimit: z.number().positive(),
  /** Bucket size: how many requests may arrive at once. */
  burstLimit: z.number().int().positive(),
  /** Requests per calendar month (UTC), or null for none. */
  monthlyQuota: z.number().int().positive().nullable(),
});
export type Tier = z.infer<typeof tierSchema>;
export type Tiers = Record<TierName, Tier>;

const DEFAULT_TIERS: Tiers = {
  basic: { rateLimit: 10, burstLimit: 20, monthlyQuota: 1_000_000 },
  standard: { rateLimit: 50, burstLimit: 100, monthlyQuota: 10_000_000 },
  premium: { rateLimit: 200, burstLimit: 400, monthlyQuota: null },
};

const overrideSchema = z.partialRecord(z.enum(TIERS), tierSchema.partial());

/**
 * The tiers with an override applied: CDK context `tiers` for the stack, the `TIERS` environment
 * variable (JSON) for the local gateway. An override names only what it changes, e.g.
 * `{"basic":{"monthlyQuota":5000}}`.
 */
export function tiersFrom(override: unknown): Tiers {
  if (override === undefined || override === null || override === '') return DEFAULT_TIERS;
  const parsedOverride = overrideSchema.safeParse(typeof override === 'string' ? JSON.parse(override) : override);
  if (!parsedOverride.success) throw new Error(`Invalid tiers override: ${z.prettifyError(parsedOverride.error)}`);
  const tiers = { ...DEFAULT_TIERS };
  for (const name of TIERS) tiers[name] = tierSchema.parse({ ...DEFAULT_TIERS[name], ...parsedOverride.data[name] });
  return tiers;
}

/** The stage's default method throttling: a ceiling per method over all callers, checked before the authorizer runs. */
export interface StageThrottle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * By default five times the largest tier's rate and burst, so that several tenants of the largest tier
 * fit under it; an override (CDK context `stageThrottle`, `STAGE_THROTTLE` locally) must stay at or above
 * the largest tier, or a tenant would be throttled below what its plan grants.
 */
export function stageThrottleFrom(tiers: Tiers, override: unknown): StageThrottle {
  const largest = {
    rateLimit: Math.max(...TIERS.map((name) => tiers[name].rateLimit)),
    burstLimit: Math.max(...TIERS.map((name) => tiers[name].burstLimit)),
  };
  if (override === undefined || override === null || override === '') {
    return { rateLimit: largest.rateLimit * 5, burstLimit: largest.burstLimit * 5 };
  }
  const parsed = tierSchema
    .pick({ rateLimit: true, burstLimit: true })
    .safeParse(typeof override === 'string' ? JSON.parse(override) : override);
  if (!parsed.success) throw new Error(`Invalid stage throttle: ${z.prettifyError(parsed.error)}`);
  if (parsed.data.rateLimit < largest.rateLimit || parsed.data.burstLimit < largest.burstLimit) {
    throw new Error(`Invalid stage throttle: must be at least the largest tier's ${largest.rateLimit}/s, burst ${largest.burstLimit}`);
  }
  return parsed.data;
}
