import type { MediaSigner } from './media-signer';

/**
 * Builds signed, expiring media URLs: `<public url>/media/<token>/<file name>`. The file name is
 * cosmetic (browsers use it when saving); the token decides what is served.
 */
export class MediaUrls {
  constructor(
    private readonly signer: MediaSigner,
    private readonly publicUrl: () => string,
    private readonly ttlSeconds: number,
  ) {}

  /** A URL for one stored asset of a tenant, valid for the configured lifetime. */
  urlFor(tenantId: string, key: string, now = Date.now()): string {
    const token = this.signer.sign({ t: tenantId, k: key, e: Math.floor(now / 1000) + this.ttlSeconds });
    const file = key.slice(key.lastIndexOf('/') + 1);
    return `${this.publicUrl()}/media/${token}/${encodeURIComponent(file)}`;
  }
}
