import type { MediaSigner } from './media-signer';

/** How long a signed media URL lives. */
export interface MediaUrlLifetime {
  /** Longest lifetime of a URL, in seconds (`MEDIA_URL_TTL_SECONDS`). */
  ttlSeconds: number;
  /** Shortest time a URL stays valid after it is handed out, in seconds (`MEDIA_URL_MIN_VALIDITY_SECONDS`). */
  minValiditySeconds: number;
}

/**
 * Builds signed, expiring media URLs: `<public url>/media/<token>/<file name>`. The file name is
 * cosmetic (browsers use it when saving); the token decides what is served.
 *
 * The expiry is rounded up to a bucket of `ttl − minValidity` seconds aligned on the epoch, so every
 * refetch (and every instance sharing the signing secret) hands out the very same URL for that
 * long: a `<video>` element is not reloaded by a push, and browser caches keyed by URL hit. Each
 * URL is still valid for at least `minValidity` and at most `ttl` seconds after it was handed out.
 */
export class MediaUrls {
  private readonly bucketSeconds: number;

  constructor(
    private readonly signer: MediaSigner,
    private readonly publicUrl: () => string,
    private readonly lifetime: MediaUrlLifetime,
  ) {
    this.bucketSeconds = lifetime.ttlSeconds - lifetime.minValiditySeconds;
  }

  /** A URL for one stored asset of a tenant, the same for every call within one bucket. */
  urlFor(tenantId: string, key: string, now = Date.now()): string {
    const token = this.signer.sign({ t: tenantId, k: key, e: this.expiryFor(now) });
    const file = key.slice(key.lastIndexOf('/') + 1);
    return `${this.publicUrl()}/media/${token}/${encodeURIComponent(file)}`;
  }

  /** Expiry (epoch seconds) of URLs handed out at `now` (ms): the first bucket end at least `minValidity` away. */
  expiryFor(now: number): number {
    const earliest = now / 1000 + this.lifetime.minValiditySeconds;
    return Math.ceil(earliest / this.bucketSeconds) * this.bucketSeconds;
  }
}
