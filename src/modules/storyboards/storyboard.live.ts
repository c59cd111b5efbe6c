import type { PubSub } from '@graphql-yoga/subscription';
import { notFound } from '../../errors';
import { openReloadingStream } from '../../events/reloading-stream';
import type { Topics } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { Storyboard, StoryboardStatus } from './storyboard.entity';

/** Global type name of storyboards. */
export const STORYBOARD_TYPE_NAME = 'Storyboard';

/**
 * `storyboardUpdated`: the current state, then the state after every change (a scene advancing,
 * its video progressing, the end), read fresh so it carries the current scene's progress.
 */
export class StoryboardLive {
  constructor(private readonly pubsub: PubSub<Topics>) {}

  openUpdates(ctx: RequestContext, storyboardId: string, globalId: string): Promise<AsyncGenerator<Storyboard>> {
    return openReloadingStream(
      this.pubsub,
      'storyboard.changed',
      storyboardId,
      () => ctx.em.fork({ clear: true }).findOne(Storyboard, { id: storyboardId }),
      (storyboard) => storyboard.status !== StoryboardStatus.IN_PROGRESS,
      () => notFound(STORYBOARD_TYPE_NAME, globalId, 'id'),
    );
  }
}
