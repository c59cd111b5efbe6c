/**
 * Runs once before all suites: finds out whether PostgreSQL and Redis are reachable and tells the
 * workers through environment variables. Locally a missing service skips its tests with a
 * visible message; with `CI` set, a missing service fails the run.
 */
import Redis from 'ioredis';
import { reachablePostgres } from './postgres';

export const PG_ENV = 'REELGRAPH_TEST_PG_URL';
export const REDIS_ENV = 'REELGRAPH_TEST_REDIS_URL';

async function reachableRedis(url: string): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export default async function globalSetup(): Promise<void> {
  const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const [pg, redis] = await Promise.all([reachablePostgres(pgUrl), reachableRedis(redisUrl)]);
  const missing: string[] = [];
  if (pg) process.env[PG_ENV] = pgUrl;
  else missing.push(`PostgreSQL at ${pgUrl}`);
  if (redis) process.env[REDIS_ENV] = redisUrl;
  else missing.push(`Redis at ${redisUrl}`);
  if (missing.length === 0) return;
  if (process.env.CI) {
    throw new Error(`CI is set but these services are unreachable: ${missing.join(', ')}. Tests that need them must run in CI.`);
  }
  console.warn(`\n⚠  SKIPPING tests that need: ${missing.join(', ')} (not reachable). Set CI=1 to make this a failure.\n`);
}
