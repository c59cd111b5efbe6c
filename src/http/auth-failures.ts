import type Redis from 'ioredis';

/**
 * Failed authentications per client address in a fixed window. Every unknown key costs a
 * database lookup, so once an address has failed `limit` times in the window its next attempts
 * are refused before any lookup until the window ends.
 */
export interface AuthFailureLimiter {
  /** Milliseconds until `address` may try again, or 0 when it may try now. */
  blockedFor(address: string): Promise<number>;
  /** Counts one failed authentication from `address`. */
  record(address: string): Promise<void>;
}

/** Options shared by the implementations. */
export interface AuthFailureOptions {
  /** Failures allowed per address per window. */
  limit: number;
  /** Window length in milliseconds. */
  windowMs: number;
}

/** Counters in this process's memory (one instance, or no Redis). */
export class MemoryAuthFailureLimiter implements AuthFailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly options: AuthFailureOptions) {}

  async blockedFor(address: string): Promise<number> {
    const window = this.windows.get(address);
    if (!window) return 0;
    const left = window.resetAt - Date.now();
    if (left <= 0) {
      this.windows.delete(address);
      return 0;
    }
    return window.count >= this.options.limit ? left : 0;
  }

  async record(address: string): Promise<void> {
    const now = Date.now();
    const window = this.windows.get(address);
    if (window && window.resetAt > now) {
      window.count++;
      return;
    }
    this.windows.delete(address);
    this.windows.set(address, { count: 1, resetAt: now + this.options.windowMs });
    // Bounded like the rate limiter's buckets: a flood of spoofed addresses cannot grow it forever.
    if (this.windows.size > 100_000) this.windows.delete(this.windows.keys().next().value as string);
  }
}

/** Increments the window's counter and starts its expiry with the first failure, atomically. */
const RECORD_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

/** Returns the window's remaining milliseconds when its count reached the limit, else 0. */
const BLOCKED_SCRIPT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n < tonumber(ARGV[1]) then return 0 end
return math.max(1, redis.call('PTTL', KEYS[1]))
`;

/** Counters shared by every instance through Redis. */
export class RedisAuthFailureLimiter implements AuthFailureLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly options: AuthFailureOptions,
    private readonly prefix = 'reelgraph:authfail:',
  ) {}

  async blockedFor(address: string): Promise<number> {
    return Number(await this.redis.eval(BLOCKED_SCRIPT, 1, `${this.prefix}${address}`, this.options.limit));
  }

  async record(address: string): Promise<void> {
    await this.redis.eval(RECORD_SCRIPT, 1, `${this.prefix}${address}`, this.options.windowMs);
  }
}
