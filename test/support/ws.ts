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

/** What runs an operation into a sink: a graphql-ws client, or a graphql-sse one (test/support/sse.ts). */
export interface Subscriber {
  subscribe(
    request: { query: string; variables?: Record<string, unknown> },
    sink: { next(message: { data?: unknown; errors?: readonly GraphQLFormattedError[] }): void; error(error: unknown): void; complete(): void },
  ): () => void;
}

/** Subscribes with a typed document and collects every message. */
export function subscribe<T, V extends Record<string, unknown>>(client: Subscriber, document: TypedDocumentNode<T, V>, variables: V): Subscription<T> {
  const values: T[] = [];
  const errors: GraphQLFormattedError[] = [];
  const waiters = new Set<() => void>();
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const notify = () => waiters.forEach((w) => w());
  const dispose = client.subscribe(
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

/** A message of the graphql-transport-ws protocol, as received. */
export interface ProtocolMessage {
  type: string;
  id?: string;
  payload?: unknown;
}

/** A raw graphql-transport-ws socket: every message and the close are observable, nothing is retried. */
export interface ProtocolSocket {
  socket: WebSocket;
  /** Every message received so far, in order. */
  readonly messages: ProtocolMessage[];
  /** Resolves with the close code and reason once the socket closes. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** True once the socket has closed. */
  isClosed(): boolean;
  send(message: Record<string, unknown>): void;
  /** Resolves with the first message (already received or future) matching `predicate`; rejects if the socket closes first. */
  waitFor(predicate: (message: ProtocolMessage) => boolean, what?: string, timeoutMs?: number): Promise<ProtocolMessage>;
}

/** Opens a socket speaking graphql-transport-ws and resolves once it is open (rejects on a refused upgrade). */
export function protocolSocket(url: string, options: WebSocket.ClientOptions = {}): Promise<ProtocolSocket> {
  const socket = new WebSocket(url, 'graphql-transport-ws', options);
  const messages: ProtocolMessage[] = [];
  const waiters = new Set<() => void>();
  let closedState = false;
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => {
      closedState = true;
      resolve({ code, reason: reason.toString() });
      waiters.forEach((w) => w());
    }),
  );
  socket.on('error', () => {});
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ProtocolMessage);
    waiters.forEach((w) => w());
  });
  const api: ProtocolSocket = {
    socket,
    messages,
    closed,
    isClosed: () => closedState,
    send: (message) => socket.send(JSON.stringify(message)),
    waitFor(predicate, what = 'a matching message', timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = messages.find(predicate);
          if (hit) done(() => resolve(hit));
          else if (closedState) done(() => reject(new Error(`socket closed before ${what}; got ${JSON.stringify(messages)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(messages)}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(api));
    socket.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused with ${res.statusCode}`), { status: res.statusCode })));
    socket.once('error', reject);
  });
}

/** Opens a socket and completes `connection_init` → `connection_ack` with these params. */
export async function acknowledgedSocket(url: string, params: Record<string, unknown> = {}, options: WebSocket.ClientOptions = {}): Promise<ProtocolSocket> {
  const socket = await protocolSocket(url, options);
  socket.send({ type: 'connection_init', payload: params });
  await socket.waitFor((m) => m.type === 'connection_ack', 'connection_ack');
  return socket;
}
