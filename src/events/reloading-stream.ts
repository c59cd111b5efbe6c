import type { PubSub } from '@graphql-yoga/subscription';
import { type LiveIterator, stoppable, subscribeNow } from './subscribe-now';
import type { Topics } from './topics';

/** Topics whose events only say "this object changed" (routed by the object's id). */
type ChangeTopic = 'storyboard.changed' | 'batch.changed';

/**
 * A subscription stream for objects whose change events carry no state: it sends the object as
 * stored now, then re-reads and sends it after every notification, until `finished` holds.
 * Listens before the first read, so no change falls in between.
 * @throws whatever `missing()` returns when the object does not exist (before anything is sent).
 */
export async function openReloadingStream<T>(
  pubsub: PubSub<Topics>,
  topic: ChangeTopic,
  id: string,
  load: () => Promise<T | null>,
  finished: (value: T) => boolean,
  missing: () => Error,
): Promise<AsyncGenerator<T>> {
  const changes = subscribeNow(pubsub, topic, id);
  const current = await load();
  if (!current) {
    await changes.return();
    throw missing();
  }
  return stoppable(follow(current, changes, load, finished), changes);
}

async function* follow<T>(current: T, changes: LiveIterator<unknown>, load: () => Promise<T | null>, finished: (value: T) => boolean): AsyncGenerator<T> {
  try {
    yield current;
    while (!finished(current)) {
      if ((await changes.next()).done) return;
      const fresh = await load();
      if (!fresh) return;
      current = fresh;
      yield current;
    }
  } finally {
    await changes.return();
  }
}
