/**
 * Token buckets by name, each refilled at its rate and holding at most one second of it. A request is
 * admitted while every bucket it draws on is not in debt, and then pays what it used, which may take a
 * bucket below zero: over time each name gets its rate, as DynamoDB meters consumed capacity after
 * the fact. A bucket back at full is the same as none, so full ones are dropped as they are met:
 * a table of a million keys keeps buckets only for the keys busy in the last second.
 */
interface Bucket {
  tokens: number;
  at: number;
  rate: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private sweepAt = 0;

  private readonly now: () => number;

  constructor(now: () => number = () => performance.now()) {
    this.now = now;
  }

  /** Whether the bucket `name` (refilled at `rate` a second) is not in debt. */
  available(name: string, rate: number): boolean {
    const bucket = this.current(name, rate);
    return bucket === undefined || bucket.tokens >= 0;
  }

  /** Takes `units` from the bucket `name`, into debt if need be; answers what it holds after (below zero: in debt). */
  take(name: string, rate: number, units: number): number {
    const bucket = this.current(name, rate) ?? { tokens: rate, at: this.now(), rate };
    bucket.tokens -= units;
    this.buckets.set(name, bucket);
    this.sweep();
    return bucket.tokens;
  }

  get size(): number {
    return this.buckets.size;
  }

  private current(name: string, rate: number): Bucket | undefined {
    const bucket = this.buckets.get(name);
    if (!bucket) return undefined;
    const now = this.now();
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    if (bucket.tokens >= rate) {
      this.buckets.delete(name);
      return undefined;
    }
    return bucket;
  }

  /** Once a second, the buckets that have refilled go (a bucket refills within a second of its last use plus its debt). */
  private sweep(): void {
    const now = this.now();
    if (now < this.sweepAt) return;
    this.sweepAt = now + 1000;
    for (const [name, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * bucket.rate >= bucket.rate) this.buckets.delete(name);
    }
  }
}
