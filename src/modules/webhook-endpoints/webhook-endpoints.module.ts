import type { OutboundWebhooksConfig } from '../../config';
import type { Pipeline } from '../../composition/pipeline';
import type { Logger } from '../../logger';
import { JobWebhookSecrets } from './job-webhook-secrets';
import { WebhookDeliveryResolver, WebhookEndpointResolver } from './webhook-endpoint.resolver';
import { WebhookEndpointService } from './webhook-endpoint.service';
import { WEBHOOK_DELIVER_TASK, WebhookOutbox } from './webhook-outbox';
import { WebhookSender } from './webhook-sender';

/** The outbound webhooks feature as the composition root uses it. */
export interface OutboundWebhooks {
  service: WebhookEndpointService;
  outbox: WebhookOutbox;
  resolvers: object[];
}

/**
 * Wires outbound webhooks: the outbox records deliveries inside video transitions (and, through
 * the hooks the batch and storyboard services take, inside their completions); the sender runs
 * as the `webhook.deliver` task on the durable queue.
 */
export function buildOutboundWebhooks(config: OutboundWebhooksConfig, pipeline: Pipeline, logger: Logger): OutboundWebhooks {
  const { queue, worker, transitions, eventLog } = pipeline;
  const outbox = new WebhookOutbox(queue);
  const jobSecrets = new JobWebhookSecrets(config.secretOverlapSeconds);
  transitions.addHook(outbox.onVideoTransition);
  const sender = new WebhookSender(config, jobSecrets, eventLog, logger.child({ component: 'outbound-webhooks' }));
  worker.register(WEBHOOK_DELIVER_TASK, sender.deliver);
  // Deliveries are recorded at commit; look for them now rather than at the next idle poll.
  transitions.onChange((_video, effects) => {
    if (effects.outboundDeliveries) worker.kick();
  });
  const service = new WebhookEndpointService(config, outbox, jobSecrets, worker);
  return { service, outbox, resolvers: [new WebhookEndpointResolver(service), new WebhookDeliveryResolver()] };
}
