import { Webhook } from 'standardwebhooks';
import { ListWebhookDeliveriesDocument, type ListWebhookDeliveriesQuery } from '../generated/graphql';
import type { GqlClient } from '../support/graphql-client';
import { eventually } from '../support/wait';
import type { Received } from './receiver';

/** Environment for servers whose tests run a loopback receiver: private targets allowed, fast retries. */
export const FAST_WEBHOOKS_ENV = {
  OUTBOUND_WEBHOOKS_ALLOW_PRIVATE: 'true',
  OUTBOUND_WEBHOOKS_RETRY_SCHEDULE: '150ms,150ms,150ms,150ms,150ms,150ms,150ms,150ms',
  EMULATOR_CACHED_RENDER: 'true',
  JOBS_IDLE_POLL_MS: '100',
};

export type Delivery = ListWebhookDeliveriesQuery['webhookDeliveries']['nodes'][number];

/** The deliveries of an endpoint (or all), newest first. */
export async function deliveries(gql: GqlClient, endpointId?: string): Promise<Delivery[]> {
  return (await gql.data(ListWebhookDeliveriesDocument, { endpointId, first: 100 })).webhookDeliveries.nodes;
}

/** Polls until a delivery of the endpoint matches `predicate`. */
export async function waitForDelivery(gql: GqlClient, endpointId: string | undefined, predicate: (d: Delivery) => boolean, what: string): Promise<Delivery> {
  return eventually(async () => (await deliveries(gql, endpointId)).find(predicate), { what, timeoutMs: 30_000 });
}

/** Verifies a received request as a receiver would (standardwebhooks); returns the parsed payload. */
export function verified(secret: string, request: Received): { id: string; type: string; timestamp: string; data: { object: Record<string, unknown> } } {
  return new Webhook(secret).verify(request.body, request.headers) as ReturnType<typeof verified>;
}
