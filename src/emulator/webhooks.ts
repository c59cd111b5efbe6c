/**
 * Webhook delivery signed the Standard Webhooks way that openai-node's `webhooks.unwrap` verifies
 * (contract §4.3), with retries, and with the drop/duplicate/delay/reorder faults applied.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { eventId, webhookMessageId } from './ids';
import type { FaultState } from './faults';
import type { EmulatorLogger, WebhookTarget } from './types';

/** Event types the emulator emits. */
export type WebhookEventType =
  | 'video.completed'
  | 'video.failed'
  | 'batch.completed'
  | 'batch.failed'
  | 'batch.expired'
  | 'batch.cancelled';

/** `'whsec_' + base64(32 random bytes)`, the format `webhooks.unwrap` decodes. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** Signature header value for one delivery attempt: `v1,<base64 HMAC-SHA256>`. */
export function signWebhook(secret: string, id: string, timestamp: string, body: string): string {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** One event with its stable `webhook-id` and the target chosen when it was emitted. */
interface Message {
  webhookId: string;
  body: string;
  target: WebhookTarget;
}

/** How long a lone delivery waits for a partner under the `reorder` fault. */
const REORDER_HOLD_MS = 1000;
const REQUEST_TIMEOUT_MS = 10_000;

/** Sends webhook events; every timer and request is cancelled by {@link close}. */
export class WebhookDispatcher {
  private target: WebhookTarget | null = null;
  private held: { msg: Message; timer: NodeJS.Timeout } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sleepers = new Set<(ok: boolean) => void>();

  constructor(
    private readonly opts: {
      retry: { attempts: number; baseDelayMs: number };
      faults: FaultState;
      logger: EmulatorLogger;
    },
  ) {}

  /** Sets or clears where events go; events emitted while unset are not delivered. */
  setTarget(target: WebhookTarget | null): void {
    this.target = target ? { ...target } : null;
  }

  /** Queues one event `{id, object:'event', created_at, type, data:{id}}`. */
  emit(type: WebhookEventType, dataId: string): void {
    if (!this.target || this.closing.signal.aborted) return;
    const body = JSON.stringify({
      id: eventId(),
      object: 'event',
      created_at: Math.floor(Date.now() / 1000),
      type,
      data: { id: dataId },
    });
    const msg: Message = { webhookId: webhookMessageId(), body, target: this.target };
    const fate = this.opts.faults.takeWebhookFate();
    if (fate.drop) {
      this.opts.logger.info(`webhook ${type} for ${dataId} dropped by fault`);
      return;
    }
    const send = () => {
      if (fate.reorder) this.reorder(msg, fate.duplicate);
      else this.deliver(msg, fate.duplicate);
    };
    if (fate.delayMs > 0) this.later(fate.delayMs, send);
    else send();
  }

  /** Cancels pending retries, held and delayed deliveries, and in-flight requests. */
  async close(): Promise<void> {
    this.closing.abort();
    for (const wake of [...this.sleepers]) wake(false);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    if (this.held) clearTimeout(this.held.timer);
    this.held = null;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Holds `msg` until the next one arrives, then sends the newer one first. */
  private reorder(msg: Message, duplicate: boolean): void {
    if (this.held) {
      const first = this.held.msg;
      clearTimeout(this.held.timer);
      this.timers.delete(this.held.timer);
      this.held = null;
      this.deliver(msg, duplicate);
      this.deliver(first, false);
      return;
    }
    const timer = this.later(REORDER_HOLD_MS, () => {
      if (this.held?.msg === msg) {
        this.held = null;
        this.deliver(msg, duplicate);
      }
    });
    this.held = { msg, timer };
  }

  private deliver(msg: Message, duplicate: boolean): void {
    const run = (async () => {
      await this.attemptAll(msg);
      // A duplicate is a second, separate delivery with the same webhook-id.
      if (duplicate) await this.attemptAll(msg);
    })();
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
  }

  /** Attempts one message with exponential backoff until a 2xx or the attempts run out. */
  private async attemptAll(msg: Message): Promise<void> {
    const { attempts, baseDelayMs } = this.opts.retry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.closing.signal.aborted) return;
      const outcome = await this.post(msg);
      if (outcome === 'ok') return;
      this.opts.logger.warn(`webhook ${msg.webhookId} attempt ${attempt}/${attempts} failed: ${outcome}`);
      if (attempt < attempts) {
        const ok = await this.sleep(baseDelayMs * 2 ** (attempt - 1));
        if (!ok) return;
      }
    }
    this.opts.logger.warn(`webhook ${msg.webhookId} given up after ${attempts} attempts`);
  }

  /** One POST; the timestamp (and so the signature) is fresh per attempt, the webhook-id is not. */
  private async post(msg: Message): Promise<'ok' | string> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(msg.target.url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'OpenAI/1.0 (+https://platform.openai.com/docs/webhooks)',
          'webhook-id': msg.webhookId,
          'webhook-timestamp': timestamp,
          'webhook-signature': signWebhook(msg.target.secret, msg.webhookId, timestamp, msg.body),
        },
        body: msg.body,
        signal: AbortSignal.any([this.closing.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
      });
      // Drain so the connection can be reused or closed promptly.
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? 'ok' : `HTTP ${res.status}`;
    } catch (e) {
      return (e as Error).message;
    }
  }

  private later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  /** Resolves true after `ms`, or false as soon as the dispatcher closes. */
  private sleep(ms: number): Promise<boolean> {
    if (this.closing.signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = (ok: boolean) => {
        this.sleepers.delete(wake);
        clearTimeout(t);
        this.timers.delete(t);
        resolve(ok);
      };
      const t = this.later(ms, () => wake(true));
      this.sleepers.add(wake);
    });
  }
}
