import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed media URL grants: one variant of one video of one tenant, until `exp`. */
export interface MediaGrant {
  /** Tenant id. */
  t: string;
  /** Storage key of the asset, relative to the media root. */
  k: string;
  /** Expiry, epoch seconds. */
  e: number;
}

/**
 * Signs and verifies media tokens: `base64url(json grant) + "." + base64url(HMAC-SHA256)`.
 * The token carries the storage key, so serving a file needs no database read; the tenant is
 * part of what is signed, so a token for one tenant can never name another tenant's file.
 */
export class MediaSigner {
  constructor(private readonly secret: string) {}

  sign(grant: MediaGrant): string {
    const payload = Buffer.from(JSON.stringify(grant)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** Returns the grant, or a reason it is refused (tampered, malformed or expired). */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): { grant: MediaGrant } | { refused: 'invalid' | 'expired' } {
    const dot = token.indexOf('.');
    if (dot <= 0) return { refused: 'invalid' };
    const payload = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(payload), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { refused: 'invalid' };
    let grant: MediaGrant;
    try {
      grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as MediaGrant;
    } catch {
      return { refused: 'invalid' };
    }
    if (typeof grant.e !== 'number' || typeof grant.k !== 'string' || typeof grant.t !== 'string') return { refused: 'invalid' };
    if (grant.e < nowSeconds) return { refused: 'expired' };
    return { grant };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
