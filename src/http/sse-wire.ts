import type { Request, Response } from 'express';
import { type ExecutionResult, GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ResponseInit } from 'graphql-sse';
import { ErrorCode } from '../errors';

/** Where GraphQL over SSE is served. */
export const SSE_PATH = '/graphql/stream';

/**
 * One message of the GraphQL over SSE protocol, as graphql-sse prints it: `next` carries a result
 * (wrapped in `{id, payload}` on a single-connection stream), `complete` ends an operation.
 */
export function sseMessage(event: 'next' | 'complete', operationId: string, payload?: { errors: GraphQLFormattedError[] }): string {
  const data = event === 'next' ? (operationId ? { id: operationId, payload } : payload) : operationId ? { id: operationId } : null;
  return `event: ${event}\ndata:${data ? ` ${JSON.stringify(data)}` : ''}\n\n`;
}

/**
 * graphql-sse types results as holding GraphQLError instances, but only serializes them; errors
 * the error policy formatted are already in the shape `GraphQLError.toJSON()` would produce.
 */
export function asWireErrors(errors: GraphQLFormattedError[]): readonly GraphQLError[] {
  return errors as unknown as readonly GraphQLError[];
}

/** The code of a refusal graphql-sse answers without one. */
const CODE_BY_STATUS: Record<number, string> = { 404: ErrorCode.NOT_FOUND, 409: ErrorCode.CONFLICT };

/** What to do instead, for graphql-sse's refusals that come without a message. */
const MESSAGE_BY_STATUS: Record<number, string> = {
  404: `No operation can run here without a stream: send Accept: text/event-stream for a stream of its own, or reserve one with PUT ${SSE_PATH} and send its token in x-graphql-event-stream-token.`,
  405: 'Use GET or POST for operations, PUT to reserve a stream, DELETE to complete an operation on it.',
  406: 'Send Accept: text/event-stream to open a stream, application/json for an operation on a reserved stream, text/plain (or none) to reserve one.',
  415: 'Send the operation as JSON (content-type: application/json) in a POST, or as query parameters in a GET.',
};

/**
 * Writes a response graphql-sse made that is not a stream. Its own refusals (a missing query, an
 * unknown operation id, a stream already open) have no `extensions.code`: they get one here, so
 * clients branch on codes as everywhere else in the API.
 */
export function writeAnswer(res: Response, body: string | null, init: ResponseInit): void {
  if (init.status < 400) {
    res.writeHead(init.status, init.statusText, init.headers);
    res.end(body ?? undefined);
    return;
  }
  let errors: GraphQLFormattedError[] = [];
  try {
    errors = body ? ((JSON.parse(body) as { errors?: GraphQLFormattedError[] }).errors ?? []) : [];
  } catch {
    // Not JSON: replaced by the message for the status below.
  }
  if (errors.length === 0) errors = [{ message: MESSAGE_BY_STATUS[init.status] ?? init.statusText }];
  const code = CODE_BY_STATUS[init.status] ?? 'BAD_REQUEST';
  const coded = errors.map((error) => ({ ...error, extensions: { code, ...error.extensions } }));
  res.writeHead(init.status, init.statusText, { ...init.headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: coded }));
}

/**
 * Ends a subscription's stream with an error result instead of throwing when its source fails
 * midway (a database read of a replay, say): on a single-connection stream a thrown error would
 * end every operation sharing it. An iterator object, so `return()` reaches the source at once.
 */
export function containFailures(stream: AsyncGenerator<ExecutionResult>): AsyncGenerator<ExecutionResult> {
  let failed = false;
  const contained: AsyncGenerator<ExecutionResult> = {
    async next() {
      if (failed) return { done: true, value: undefined };
      try {
        return await stream.next();
      } catch (error) {
        failed = true;
        const graphQLError = error instanceof GraphQLError ? error : new GraphQLError('The stream failed.', { originalError: error as Error });
        return { done: false, value: { data: null, errors: [graphQLError] } };
      }
    },
    return: (value) => stream.return(value),
    throw: (error) => stream.throw(error),
    [Symbol.asyncIterator]: () => contained,
    [Symbol.asyncDispose]: async () => {
      await stream.return(undefined);
    },
  };
  return contained;
}

/** Counts what each key holds, up to a maximum. */
export class Slots {
  private readonly held = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes one for the key; false when it holds the maximum already. */
  take(key: string): boolean {
    const held = this.held.get(key) ?? 0;
    if (held >= this.max) return false;
    this.held.set(key, held + 1);
    return true;
  }

  give(key: string): void {
    const held = (this.held.get(key) ?? 1) - 1;
    if (held > 0) this.held.set(key, held);
    else this.held.delete(key);
  }
}

/** A request header as graphql-sse reads it (repeated headers joined). */
export function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join('\n') : value;
}
