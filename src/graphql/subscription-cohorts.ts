import { createSourceEventStream, type DocumentNode, execute, type ExecutionArgs, type ExecutionResult, GraphQLError } from 'graphql';
import type { RequestContext } from './context';

/**
 * Executes subscription events once per cohort instead of once per subscriber.
 *
 * When a change is published, every subscriber watching that object receives the same event
 * payload (the same object, see `VideoLive`). Subscribers whose operation has the same document,
 * operation name and variables, and whose viewer has the same tenant and role, would compute the
 * same result from it: they form a cohort. The first member to reach the event executes the
 * selection set; the others reuse that result, so 1,000 watchers of one video cost one execution
 * and 1,000 socket writes, not 1,000 executions.
 *
 * Results are remembered per payload object in a WeakMap, so they live exactly as long as some
 * subscriber still holds the event. Payloads that are not shared (a stream that re-reads its
 * object per subscriber) simply never hit. The context of the member that executes is released
 * before and after, so idle subscriptions hold no EntityManager or loaders.
 */
export class SubscriptionCohorts {
  private readonly results = new WeakMap<object, Map<string, Promise<ExecutionResult>>>();
  private readonly documentIds = new WeakMap<DocumentNode, number>();
  private nextDocumentId = 1;
  /** Counters for metrics and tests: executions run, results reused by a cohort member, and event streams open now. */
  readonly stats = { executions: 0, shared: 0, active: 0 };

  /** graphql-ws `subscribe` hook: `graphql.subscribe`, with per-cohort execution of each event. */
  readonly subscribe = async (args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> => {
    const context = args.contextValue as RequestContext;
    let source: Awaited<ReturnType<typeof createSourceEventStream>>;
    try {
      source = await createSourceEventStream(args);
    } catch (error) {
      // A throw here would reach graphql-ws, which closes the whole socket (4500); as a result it
      // fails this operation alone, and the error policy decides what the client sees.
      context.release();
      return { errors: [error instanceof GraphQLError ? error : new GraphQLError('Internal server error.', { originalError: error instanceof Error ? error : new Error(String(error)) })] };
    }
    // Whatever the subscribe function read (the current state) is not needed while waiting.
    context.release();
    if (!(Symbol.asyncIterator in source)) return source;
    const key = this.cohortKey(args, context);
    this.stats.active++;
    const ended = () => void this.stats.active--;
    return mapStream(source[Symbol.asyncIterator](), (payload) => this.resultFor(key, payload, args, context), ended);
  };

  private resultFor(key: string, payload: unknown, args: ExecutionArgs, context: RequestContext): Promise<ExecutionResult> {
    if (payload === null || typeof payload !== 'object') return this.run(payload, args, context);
    let byCohort = this.results.get(payload);
    if (!byCohort) this.results.set(payload, (byCohort = new Map()));
    const known = byCohort.get(key);
    if (known) {
      this.stats.shared++;
      return known;
    }
    const result = this.run(payload, args, context);
    byCohort.set(key, result);
    return result;
  }

  private async run(payload: unknown, args: ExecutionArgs, context: RequestContext): Promise<ExecutionResult> {
    this.stats.executions++;
    // Each event reads relations as they are now, with an identity map that starts empty.
    context.release();
    try {
      return await execute({ ...args, rootValue: payload });
    } finally {
      context.release();
    }
  }

  /** Members of a cohort see the same data: same operation, same variables, same tenant and role. */
  private cohortKey(args: ExecutionArgs, context: RequestContext): string {
    let documentId = this.documentIds.get(args.document);
    if (documentId === undefined) this.documentIds.set(args.document, (documentId = this.nextDocumentId++));
    const { tenantId, role, operator } = context.viewer;
    return JSON.stringify([documentId, args.operationName ?? null, tenantId, role, operator === true, args.variableValues ?? null]);
  }
}

/**
 * Maps a stream's payloads to results. An iterator object rather than an async generator, so that
 * `return()` reaches the source at once even while a `next()` is waiting for the next event
 * (a generator would queue it behind that wait). `ended` runs once, however the stream ends.
 */
function mapStream<T, R>(source: AsyncIterator<T>, map: (payload: T) => Promise<R>, ended: () => void): AsyncGenerator<R> {
  let open = true;
  const end = () => {
    if (open) ended();
    open = false;
  };
  const close = async (): Promise<IteratorResult<R>> => {
    end();
    await source.return?.();
    return { done: true, value: undefined };
  };
  const stream: AsyncGenerator<R> = {
    async next() {
      const item = await source.next();
      if (item.done) {
        end();
        return { done: true, value: undefined };
      }
      try {
        return { done: false, value: await map(item.value) };
      } catch (error) {
        await close();
        throw error;
      }
    },
    return: close,
    async throw(error: unknown) {
      await close();
      throw error;
    },
    [Symbol.asyncIterator]: () => stream,
    [Symbol.asyncDispose]: async () => {
      await close();
    },
  };
  return stream;
}
