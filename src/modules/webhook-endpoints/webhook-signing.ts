import { createHmac, randomBytes } from 'node:crypto';
import type { SigningKeys } from './webhook-endpoint.entity';

/** A new signing secret as Standard Webhooks spells them: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256(secret bytes, "id.timestamp.body")>` for one secret. */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * The Standard Webhooks headers of one attempt. During a rotation's overlap the message is
 * signed with the new and the old secret (space separated), so a receiver still configured with
 * either verifies it.
 */
export function signedHeaders(keys: Pick<SigningKeys, 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, id: string, body: string, now = Date.now()): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  const signatures = [signature(keys.secret, id, timestamp, body)];
  if (keys.previousSecret && keys.previousSecretExpiresAt && keys.previousSecretExpiresAt.getTime() > now) {
    signatures.push(signature(keys.previousSecret, id, timestamp, body));
  }
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') };
}

/** Replaces the secret, keeping the old one signing for `overlapSeconds`. Returns the new secret. */
export function rotate(keys: SigningKeys, overlapSeconds: number, now = Date.now()): string {
  const next = generateSigningSecret();
  keys.previousSecret = overlapSeconds > 0 ? keys.secret : null;
  keys.previousSecretExpiresAt = overlapSeconds > 0 ? new Date(now + overlapSeconds * 1000) : null;
  keys.secret = next;
  return next;
}
