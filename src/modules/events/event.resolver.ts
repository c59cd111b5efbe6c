import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { RequestContext } from '../../graphql/context';
import { expectGlobalId, PageArgs, toGlobalId } from '../../graphql/relay';
import type { Video } from '../videos/video.entity';
import { VIDEO_TYPE_NAME, VideoType } from '../videos/video.type';
import { EventRecord, EventSubject, SUBJECT_TYPE_NAMES } from './event.entity';
import { eventCursor, parseEventCursor } from './event-log';
import { EventConnection, EventType } from './event.type';

/** Row id of an optional `subjectId` argument (a Video ID for now). */
function subjectOf(subjectId: string | undefined | null): string | undefined {
  return subjectId ? expectGlobalId(subjectId, VIDEO_TYPE_NAME, 'subjectId') : undefined;
}

/** The event log: read it page by page, or stream it from a cursor. */
@Resolver(() => EventType)
export class EventResolver {
  @Query(() => EventConnection, { description: 'The viewer\'s events after a cursor, oldest first: how an offline client catches up.' })
  async events(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('subjectId', () => ID, { nullable: true, description: 'Only events of this object.' }) subjectId: string | undefined,
    @Ctx() ctx: RequestContext,
  ) {
    return ctx.streams.events.list(ctx, { ...page, subjectId: subjectOf(subjectId) });
  }

  @Query(() => String, {
    description:
      'Cursor of the newest event now (the start of the log when there is none). Ask for it first, next to the state you render, then subscribe to `events(after:)` with it: nothing that commits after this read is missed. An event that also shows in that state comes again; skip events whose `version` is not above the version you hold.',
  })
  async latestEventCursor(@Ctx() ctx: RequestContext): Promise<string> {
    return ctx.streams.events.latestCursor(ctx);
  }

  @Subscription(() => EventType, {
    name: 'events',
    description: 'Events as they commit. With `after`, first replays everything after that cursor, so a client that reconnects with its last cursor misses nothing and sees nothing twice.',
    subscribe: ({ args, context }) => {
      const ctx = context as RequestContext;
      if (args.after) parseEventCursor(args.after as string);
      return ctx.streams.events.stream(ctx, { after: args.after as string | undefined, subjectId: subjectOf(args.subjectId as string | undefined) });
    },
  })
  eventsStream(
    @Arg('after', () => String, { nullable: true, description: 'A cursor from `Event.cursor` or `latestEventCursor`: the events after it are replayed first. Omitted: only events committed from now on.' }) _after: string | undefined,
    @Arg('subjectId', () => ID, { nullable: true, description: 'Global ID of one object (e.g. a Video): only its events. Omitted: every event of the viewer.' }) _subjectId: string | undefined,
    @Root() event: EventRecord,
  ): EventRecord {
    return event;
  }

  @FieldResolver(() => String)
  cursor(@Root() event: EventRecord): string {
    return eventCursor(event);
  }

  @FieldResolver(() => ID, { description: 'Global ID of the object.' })
  subjectId(@Root() event: EventRecord): string {
    return toGlobalId(SUBJECT_TYPE_NAMES[event.subject] ?? VIDEO_TYPE_NAME, event.subjectId);
  }

  @FieldResolver(() => VideoType, { nullable: true, description: 'The video, as it is now (null when deleted or not a video event).' })
  async video(@Root() event: EventRecord, @Ctx() ctx: RequestContext): Promise<Video | undefined> {
    return event.subject === EventSubject.VIDEO ? ctx.loaders.videoById.load(event.subjectId) : undefined;
  }
}
