import type Redis from 'ioredis';
import { AppError, ErrorCode } from '../errors';

/** The answer to "may this caller do one more thing now?". */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** A token bucket per key: `capacity` tokens, refilled at `perSecond`. */
export interface RateLimiter {
  take(key: string, cost?: number): Promise<RateDecision>;
}

/** Options shared by the bucket implementations. */
export interface BucketOptions {
  /** Most tokens a caller can hold: the burst it may send at once. */
  capacity: number;
  /** Tokens added per second: the sustained rate. */
  perSecond: number;
}

/** Retry hint for a caller short of `missing` tokens. */
function waitFor(missing: number, perSecond: number): number {
  return Math.max(1, Math.ceil((missing / perSecond) * 1000));
}

/** Token buckets in this process's memory (one instance, or no Redis). */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: BucketOptions) {}

  async take(key: string, cost = 1): Promise<RateDecision> {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.options.capacity, at: now };
    bucket.tokens = Math.min(this.options.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.options.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true };
    }
    return { allowed: false, retryAfterMs: waitFor(cost - bucket.tokens, this.options.perSecond) };
  }
}

/**
 * Refill-and-take in one atomic step on the Redis server, so every instance draws from the same
 * bucket. Returns {1, 0} when allowed, {0, ms to wait} otherwise. The bucket expires once it
 * would be full again, so idle keys cost no memory.
 */
const TAKE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - at) * per_ms)
local allowed = 0
local wait = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
else
  wait = math.ceil((cost - tokens) / per_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', now)
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / per_ms) + 1000)
return {allowed, wait}
`;

/** Token buckets shared by every instance through Redis. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly options: BucketOptions,
    private readonly prefix = 'reelgraph:rate:',
  ) {}

  async take(key: string, cost = 1): Promise<RateDecision> {
    const [allowed, wait] = (await this.redis.eval(
      TAKE_SCRIPT,
      1,
      `${this.prefix}${key}`,
      this.options.capacity,
      this.options.perSecond / 1000,
      Date.now(),
      cost,
    )) as [number, number];
    return allowed === 1 ? { allowed: true } : { allowed: false, retryAfterMs: Math.max(1, wait) };
  }
}

/** The refusal of a caller that is over its rate, with the seconds to wait. */
export function rateLimited(retryAfterMs: number): AppError {
  const seconds = Math.ceil(retryAfterMs / 1000);
  return new AppError(ErrorCode.RATE_LIMITED, `Too many requests for this API key; retry in ${seconds} s.`, { retryAfterSeconds: seconds });
}

/** A limiter that allows everything (limits switched off). */
export const UNLIMITED: RateLimiter = { take: async () => ({ allowed: true }) };
