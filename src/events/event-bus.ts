import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import { setMaxListeners } from 'node:events';
import Redis from 'ioredis';
import type { Logger } from '../logger';
import type { Topics } from './topics';

/** Pub/sub of typed topics, in memory or across instances through Redis. */
export interface EventBus {
  pubsub: PubSub<Topics>;
  /** 'memory' or 'redis'. */
  kind: 'memory' | 'redis';
  /** A Redis connection for commands (rate limits, persisted queries), when Redis is configured. */
  redis?: Redis;
  close(): Promise<void>;
}

/**
 * Creates the event bus. Without `redisUrl` events stay in this process; with it, every instance
 * publishes to and subscribes from Redis, so a webhook received by one instance reaches
 * subscribers connected to another.
 */
export async function createEventBus(redisUrl: string | undefined, logger: Logger): Promise<EventBus> {
  if (!redisUrl) {
    // One listener per subscription on a topic: 1,000 watchers of one video are expected, not a leak.
    const eventTarget = new EventTarget();
    setMaxListeners(0, eventTarget);
    return { pubsub: createPubSub<Topics>({ eventTarget }), kind: 'memory', close: async () => {} };
  }
  const options = { maxRetriesPerRequest: null, lazyConnect: true } as const;
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, options);
  for (const client of [publishClient, subscribeClient]) {
    client.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection error'));
  }
  await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
  return {
    pubsub: createPubSub<Topics>({ eventTarget }),
    kind: 'redis',
    redis: publishClient,
    close: async () => {
      await Promise.allSettled([publishClient.quit(), subscribeClient.quit()]);
    },
  };
}
