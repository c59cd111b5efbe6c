import { type Client, createClient } from 'graphql-sse';
import type { Subscriber } from './ws';

/** The GraphQL over SSE endpoint of a server whose GraphQL URL is `graphqlUrl`. */
export function sseUrl(graphqlUrl: string): string {
  return `${graphqlUrl}/stream`;
}

/**
 * A graphql-sse client for tests, on Node's fetch: no retries, so a refused request fails the
 * test. `singleConnection` reserves one stream (PUT) and runs every operation on it.
 */
export function sseClient(url: string, options: { singleConnection?: boolean; headers?: Record<string, string> } = {}): Client<boolean> & Subscriber {
  return createClient({ url, singleConnection: options.singleConnection ?? false, retryAttempts: 0, headers: options.headers, fetchFn: fetch });
}

/** The status and JSON body of the response a graphql-sse client refused (its NetworkError). */
export async function refusedResponse(error: unknown): Promise<{ status: number; body: { errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = (error as { response?: Response }).response;
  if (!response) throw new Error(`expected a refused response, got ${String(error)}`);
  return { status: response.status, body: (await response.json()) as { errors?: { message: string; extensions?: Record<string, unknown> }[] } };
}

/** One message of a raw event stream: a comment (keep-alive), or an event with its data. */
export type RawMessage = { comment: true } | { comment: false; event: string; data: unknown };

/** A raw event stream read with fetch, for what a client library hides (comments, status, headers). */
export interface RawStream {
  response: Response;
  readonly messages: RawMessage[];
  /** Resolves when a message matching `predicate` has arrived, or rejects when the stream ends first. */
  until(predicate: (message: RawMessage) => boolean, timeoutMs?: number): Promise<RawMessage>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

/** Opens an event stream with fetch and parses what arrives (`Accept: text/event-stream` is added). */
export async function rawStream(url: string, init: RequestInit = {}): Promise<RawStream> {
  const control = new AbortController();
  const response = await fetch(url, { ...init, signal: control.signal, headers: { accept: 'text/event-stream', ...(init.headers as Record<string, string>) } });
  const messages: RawMessage[] = [];
  const waiters = new Set<() => void>();
  let done = false;
  const ended = (async () => {
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) messages.push({ comment: true });
          else {
            const event = /^event: (.*)$/m.exec(block)?.[1] ?? '';
            const data = /^data: ?(.*)$/m.exec(block)?.[1] ?? '';
            messages.push({ comment: false, event, data: data ? JSON.parse(data) : null });
          }
          waiters.forEach((w) => w());
        }
      }
    } catch {
      // Aborted by close().
    }
  })().finally(() => {
    done = true;
    waiters.forEach((w) => w());
  });
  return {
    response,
    messages,
    ended,
    until(predicate, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = messages.find(predicate);
          if (hit) finish(() => resolve(hit));
          else if (done) finish(() => reject(new Error(`stream ended without a match; got ${JSON.stringify(messages)}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`))), timeoutMs);
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    close: () => control.abort(),
  };
}
