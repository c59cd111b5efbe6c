import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from '../../logger';
import type { Metrics } from '../../metrics/metrics';
import type { WebhookService } from './webhook.service';

/**
 * `POST /webhooks/openai`: verifies the raw body (a parsed-and-reserialised body would not match
 * its signature), answers 400 on any verification failure with nothing changed, 200 otherwise, as
 * fast as one small transaction; the authoritative fetch happens in the background.
 */
export function webhookRoutes(service: WebhookService, onAccepted: () => void, logger: Logger, metrics?: Metrics) {
  return (app: Express): void => {
    app.post('/webhooks/openai', express.raw({ type: () => true, limit: '256kb' }), async (req: Request, res: Response) => {
      if (!service.configured) {
        metrics?.countWebhook('unconfigured');
        res.status(503).json({ error: 'Webhooks are not configured: set OPENAI_WEBHOOK_SECRET to the endpoint secret.' });
        return;
      }
      const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const result = await service.receive(raw, req.headers);
      metrics?.countWebhook(result.status);
      if (result.status === 'rejected') {
        logger.warn({ reason: result.reason }, 'webhook rejected');
        res.status(400).json({ error: 'Webhook signature verification failed.' });
        return;
      }
      res.status(200).json({ received: true, duplicate: result.status === 'duplicate' });
      if (result.status === 'accepted') onAccepted();
    });
  };
}
