import { type Client, type ClientOptions, createClient } from 'graphql-ws';

/** One event as the snippet asks for it. */
export interface StreamedEvent {
  cursor: string;
  subjectId: string;
  status: string;
  version: number;
}

const EVENTS = 'subscription Events($after: String) { events(after: $after) { cursor subjectId status version } }';

/**
 * The resume snippet of docs/clients.md, verbatim apart from types: a graphql-ws client that
 * retries on its own, forgets its subscription when the socket drops (graphql-ws would otherwise
 * re-send it with the cursor it started from, replaying everything since) and, on every
 * (re)connection, subscribes to `events(after: lastSeen)`, so the server replays exactly what was
 * missed.
 */
export function resumableEvents(options: { url: string; after: string; onEvent: (event: StreamedEvent) => void } & Partial<ClientOptions>): Client {
  let lastSeen = options.after;
  let stop: (() => void) | undefined;
  const { url, after: _after, onEvent, on, ...rest } = options;
  const client: Client = createClient({
    url,
    lazy: false,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    ...rest,
    on: {
      ...on,
      closed: (event) => {
        stop?.();
        stop = undefined;
        on?.closed?.(event);
      },
      connected: (socket, payload, wasRetry) => {
        stop = client.subscribe<{ events: StreamedEvent }>(
          { query: EVENTS, variables: { after: lastSeen } },
          {
            next: ({ data }) => {
              if (!data) return;
              lastSeen = data.events.cursor;
              onEvent(data.events);
            },
            error: () => {},
            complete: () => {},
          },
        );
        on?.connected?.(socket, payload, wasRetry);
      },
    },
  });
  return client;
}
