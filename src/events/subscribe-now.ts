import type { PubSub } from '@graphql-yoga/subscription';
import type { Topics } from './topics';

/** An async iterator of one topic's payloads whose listener is already registered. */
export interface LiveIterator<T> {
  next(): Promise<IteratorResult<T>>;
  return(): Promise<IteratorResult<T>>;
}

/**
 * Subscribes and starts listening at once. A pub/sub iterator normally registers its listener only
 * on the first `next()`; streams that read the current state and then follow changes must listen
 * BEFORE reading, or a change committed in between would be missed.
 */
export function subscribeNow<K extends keyof Topics & string>(pubsub: PubSub<Topics>, topic: K, routingId: Topics[K][0]): LiveIterator<Topics[K][1]> {
  const iterator = (pubsub.subscribe as (topic: K, id: Topics[K][0]) => AsyncIterable<Topics[K][1]>)(topic, routingId)[Symbol.asyncIterator]();
  let first: Promise<IteratorResult<Topics[K][1]>> | undefined = iterator.next();
  return {
    next: () => {
      const pending = first;
      first = undefined;
      return pending ?? iterator.next();
    },
    return: async () => {
      first = undefined;
      return (await iterator.return?.()) ?? { done: true, value: undefined };
    },
  };
}

/**
 * Makes a stream generator stop as soon as its consumer stops. A generator suspended in
 * `await changes.next()` cannot run `return()` until that wait ends, so a client that completes a
 * subscription would leave the generator, its listener and the server's bookkeeping waiting for an
 * event that may never come. This `return()` ends the wait first (`changes.return()` resolves the
 * pending `next()` as done), then the generator returns through its `finally`.
 */
export function stoppable<T>(generator: AsyncGenerator<T>, changes: LiveIterator<unknown>): AsyncGenerator<T> {
  const stream: AsyncGenerator<T> = {
    next: (...args) => generator.next(...args),
    return: async (value) => {
      await changes.return();
      return generator.return(value as T);
    },
    throw: (error) => generator.throw(error),
    [Symbol.asyncIterator]: () => stream,
    [Symbol.asyncDispose]: async () => {
      await stream.return(undefined as T);
    },
  };
  return stream;
}
