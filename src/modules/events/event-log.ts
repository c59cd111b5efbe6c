import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { PubSub } from '@graphql-yoga/subscription';
import { badInput } from '../../errors';
import type { EventLogged, Topics } from '../../events/topics';
import type { RequestContext } from '../../graphql/context';
import { encodeCursor, keyset, type Page, type PageArgs, pageOf, pageRequest, readCursor } from '../../graphql/relay';
import { type LiveIterator, stoppable, subscribeNow } from '../../events/subscribe-now';
import type { Video } from '../videos/video.entity';
import type { TransitionEffects } from '../videos/video.transitions';
import { EventRecord, EventSubject } from './event.entity';

/** Encodes an event's position as an opaque cursor. */
export function eventCursor(event: Pick<EventRecord, 'seq'>): string {
  return encodeCursor(event.seq, 'event');
}

/** Position of a cursor. @throws BAD_USER_INPUT when it is not an event cursor. */
export function parseEventCursor(cursor: string, field = 'after'): number {
  const position = readCursor(cursor, 'event');
  if (position === undefined || !/^\d{1,15}$/.test(position)) throw badInput(field, `${field} is not an event cursor returned by this API.`);
  return Number(position);
}

/** Rows fetched per round while a stream catches up. */
const CATCH_UP_BATCH = 100;

/**
 * The event log: every committed transition is appended as an event whose `seq` is its cursor.
 *
 * Per tenant, events commit in `seq` order: on PostgreSQL the appending transaction takes a
 * transaction-scoped advisory lock on the tenant before drawing the sequence number, so a later
 * number can never commit before an earlier one (SQLite has a single writer anyway). Reading
 * "everything after cursor X" therefore yields exactly what a client missed, and a resumed stream
 * neither skips nor repeats.
 */
export class EventLog {
  constructor(
    private readonly pubsub: PubSub<Topics>,
    private readonly dialect: 'sqlite' | 'postgresql',
  ) {}

  /** Transition hook: appends the change in the transition's own transaction. */
  readonly recordVideo = async (tx: EntityManager, _before: Video, after: Video, effects: TransitionEffects): Promise<void> => {
    effects.eventSeq = await this.record(tx, {
      tenantId: after.tenantId,
      subject: EventSubject.VIDEO,
      subjectId: after.id,
      status: after.status,
      progress: after.progress,
      version: after.version,
      errorCode: after.errorCode ?? null,
      occurredAt: after.updatedAt,
    });
  };

  /**
   * Appends an event in `tx` (the transaction of the change it records) and returns its `seq`;
   * call {@link announce} with it after commit.
   */
  async record(tx: EntityManager, event: Omit<EventRecord, 'seq'>): Promise<number> {
    if (this.dialect === 'postgresql') {
      await tx.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [event.tenantId], 'all', tx.getTransactionContext());
    }
    const seq: unknown = await tx.insert(EventRecord, event);
    // PostgreSQL returns bigint keys as strings; the cursor arithmetic wants a number.
    return Number(seq);
  }

  /** Tells streams of the tenant that something was appended (after commit). */
  announce(tenantId: string, seq: number): void {
    this.pubsub.publish('tenant.events', tenantId, { tenantId, seq });
  }

  /** Events of the viewer in log order (oldest first), optionally of one object; `last`/`before` page back from the newest. */
  async list(ctx: RequestContext, args: PageArgs & { subjectId?: string }): Promise<Page<EventRecord>> {
    const request = pageRequest(args, parseEventCursor);
    const { range, orderBy, limit } = keyset(request, 'asc');
    const where: FilterQuery<EventRecord> = range ? { seq: range } : {};
    if (args.subjectId) where.subjectId = args.subjectId;
    return pageOf(await ctx.em.find(EventRecord, where, { orderBy: { seq: orderBy }, limit }), request, eventCursor);
  }

  /** Cursor of the viewer's newest event (the start of the log when it has none). */
  async latestCursor(ctx: RequestContext): Promise<string> {
    return eventCursor({ seq: await this.latest(ctx.em) });
  }

  /**
   * Replays the events after `after`, then follows new ones as they commit. Without `after` it
   * starts at the present. Live notifications only say "look again"; the rows are always read
   * from the log in `seq` order, so ordering across instances cannot reorder or drop events.
   */
  stream(ctx: RequestContext, args: { after?: string; subjectId?: string }): AsyncGenerator<EventRecord> {
    const notifications = subscribeNow(this.pubsub, 'tenant.events', ctx.viewer.tenantId);
    return stoppable(this.replayThenFollow(ctx, args, notifications), notifications);
  }

  private async *replayThenFollow(ctx: RequestContext, args: { after?: string; subjectId?: string }, notifications: LiveIterator<EventLogged>): AsyncGenerator<EventRecord> {
    try {
      let cursor = args.after ? parseEventCursor(args.after) : await this.latest(ctx.em);
      for (;;) {
        const rows = await this.fetch(ctx.em.fork({ clear: true }), cursor, CATCH_UP_BATCH, args.subjectId);
        for (const row of rows) {
          cursor = row.seq;
          yield row;
        }
        if (rows.length === CATCH_UP_BATCH) continue;
        if ((await notifications.next()).done) return;
      }
    } finally {
      await notifications.return();
    }
  }

  private async fetch(em: EntityManager, after: number, limit: number, subjectId?: string): Promise<EventRecord[]> {
    const where: FilterQuery<EventRecord> = { seq: { $gt: after } };
    if (subjectId) where.subjectId = subjectId;
    return em.find(EventRecord, where, { orderBy: { seq: 'asc' }, limit });
  }

  private async latest(em: EntityManager): Promise<number> {
    const [last] = await em.find(EventRecord, {}, { orderBy: { seq: 'desc' }, limit: 1, fields: ['seq'] });
    return last?.seq ?? 0;
  }
}
