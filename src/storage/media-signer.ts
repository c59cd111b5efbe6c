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

/** Unpadded base64url of a 32-byte HMAC-SHA256: 43 characters. */
const MAC_CHARS = 43;
/** A token as `sign` writes it: unpadded base64url payload, a dot, unpadded base64url MAC. */
const TOKEN_SHAPE = new RegExp(`^[A-Za-z0-9_-]{2,4096}\\.[A-Za-z0-9_-]{${MAC_CHARS}}$`);

/**
 * Signs and verifies media tokens: `base64url(json grant) + "." + base64url(HMAC-SHA256)`.
 * The token carries the storage key, so serving a file needs no database read; the tenant is
 * part of what is signed, so a token for one tenant can never name another tenant's file.
 *
 * Only the exact string `sign` produced verifies. Node's base64url decoder is lenient (it skips
 * `=`, line breaks and other stray characters, accepts the `+/` alphabet and ignores the unused
 * low bits of the last character), so decoding then comparing bytes would let many spellings of
 * one token pass: each would be a different URL for caches and deny-lists. Hence the strict
 * shape, and a decode/re-encode round trip that must give back the very characters received.
 */
export class MediaSigner {
  constructor(private readonly secret: string) {}

  /** The token for a grant; the same grant always gives the same token (URLs stay cacheable). */
  sign(grant: MediaGrant): string {
    const payload = Buffer.from(JSON.stringify(grant)).toString('base64url');
    return `${payload}.${this.mac(payload).toString('base64url')}`;
  }

  /** Returns the grant, or a reason it is refused (tampered, malformed or expired). */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): { grant: MediaGrant } | { refused: 'invalid' | 'expired' } {
    if (!TOKEN_SHAPE.test(token)) return { refused: 'invalid' };
    const [payload, signature] = token.split('.');
    const given = canonicalBase64url(signature);
    if (!given || !timingSafeEqual(given, this.mac(payload))) return { refused: 'invalid' };
    const json = canonicalBase64url(payload);
    if (!json) return { refused: 'invalid' };
    let grant: MediaGrant;
    try {
      grant = JSON.parse(json.toString('utf8')) as MediaGrant;
    } catch {
      return { refused: 'invalid' };
    }
    if (typeof grant !== 'object' || grant === null || !Number.isInteger(grant.e) || typeof grant.k !== 'string' || typeof grant.t !== 'string') return { refused: 'invalid' };
    if (grant.e < nowSeconds) return { refused: 'expired' };
    return { grant };
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.secret).update(payload).digest();
  }
}

/** The bytes `text` encodes, only when re-encoding them gives back exactly `text` (no second spelling). */
function canonicalBase64url(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
