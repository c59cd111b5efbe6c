import type { PubSub } from '@graphql-yoga/subscription';
import { notFound } from '../../errors';
import { type LiveIterator, subscribeNow } from '../../events/subscribe-now';
import type { StoryboardChangedEvent, Topics } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { Storyboard, StoryboardStatus } from './storyboard.entity';

/** Global type name of storyboards. */
export const STORYBOARD_TYPE_NAME = 'Storyboard';

/**
 * `storyboardUpdated`: the current state, then the state after every change (a scene advancing,
 * its video progressing, the end). A change notification prompts a fresh read, so subscribers
 * always see the storyboard as stored, with its current scene's progress.
 */
export class StoryboardLive {
  constructor(private readonly pubsub: PubSub<Topics>) {}

  async openUpdates(ctx: RequestContext, storyboardId: string, globalId: string): Promise<AsyncGenerator<Storyboard>> {
    const changes = subscribeNow(this.pubsub, 'storyboard.changed', storyboardId);
    const current = await ctx.em.fork({ clear: true }).findOne(Storyboard, { id: storyboardId });
    if (!current) {
      await changes.return();
      throw notFound(STORYBOARD_TYPE_NAME, globalId, 'id');
    }
    return this.follow(ctx, current, changes);
  }

  private async *follow(ctx: RequestContext, current: Storyboard, changes: LiveIterator<StoryboardChangedEvent>): AsyncGenerator<Storyboard> {
    try {
      yield current;
      while (current.status === StoryboardStatus.IN_PROGRESS) {
        const { done } = await changes.next();
        if (done) return;
        const fresh = await ctx.em.fork({ clear: true }).findOne(Storyboard, { id: current.id });
        if (!fresh) return;
        current = fresh;
        yield current;
      }
    } finally {
      await changes.return();
    }
  }
}
