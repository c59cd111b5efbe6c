import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type GraphQLFormattedError, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A graphql-ws client for tests: no retries, so a refused connection fails the test. */
export function wsClient(url: string, connectionParams?: Record<string, unknown>): Client {
  return createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true, connectionParams });
}

/** A live subscription whose messages are collected as they arrive. */
export interface Subscription<T> {
  /** Every `next` payload's data so far. */
  readonly values: T[];
  /** Errors the server sent, if any. */
  readonly errors: readonly GraphQLFormattedError[];
  /** Resolves when the server completes the subscription (or it errors). */
  readonly done: Promise<void>;
  /** Resolves when `predicate` holds for a received value. */
  until(predicate: (value: T, all: T[]) => boolean, timeoutMs?: number): Promise<T>;
  /** Stops listening. */
  close(): void;
}

/** Subscribes with a typed document and collects every message. */
export function subscribe<T, V extends Record<string, unknown>>(client: Client, document: TypedDocumentNode<T, V>, variables: V): Subscription<T> {
  const values: T[] = [];
  const errors: GraphQLFormattedError[] = [];
  const waiters = new Set<() => void>();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const notify = () => waiters.forEach((w) => w());
  const dispose = client.subscribe<T>(
    { query: print(document), variables },
    {
      next: (message) => {
        if (message.errors) errors.push(...message.errors);
        if (message.data) values.push(message.data as T);
        notify();
      },
      error: (error) => {
        errors.push(Array.isArray(error) ? error[0] : { message: String((error as { reason?: string; message?: string }).reason ?? (error as Error).message ?? error) });
        finish();
        notify();
      },
      complete: () => {
        finish();
        notify();
      },
    },
  );
  let closed = false;
  void done.then(() => (closed = true));
  return {
    values,
    errors,
    done,
    until(predicate, timeoutMs = 45_000) {
      return new Promise<T>((resolve, reject) => {
        const check = () => {
          const hit = values.find((v) => predicate(v, values));
          if (hit !== undefined) {
            cleanup();
            resolve(hit);
          } else if (closed || errors.length > 0) {
            cleanup();
            reject(new Error(`subscription ended without a match; errors ${JSON.stringify(errors)}; values ${JSON.stringify(values)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching message within ${timeoutMs} ms; got ${JSON.stringify(values)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => dispose(),
  };
}
