/** Options of {@link OriginPolicy}. */
export interface OriginPolicyOptions {
  /** `CORS_ORIGINS`: browser origins the operator allows. */
  configured: readonly string[];
  /** The server's own origins (as bound, and `PUBLIC_URL`); read per check, since the port is known only after listening. */
  own: () => readonly (string | undefined)[];
  /** True while requests without a key act as the local tenant: loopback pages are then the developer's own. */
  localMode: () => boolean;
}

/** `http(s)://localhost`, `127.x.x.x` or `[::1]`, any port. */
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;

/**
 * Which browser origins may use the transports a browser does not protect by CORS: a WebSocket
 * upgrade and a multipart POST are sent cross-site without a preflight, so without this check a
 * page on any site could act through a developer's keyless local server. Requests without an
 * Origin header (curl, SDKs, servers) are not from a browser page and stay allowed.
 */
export class OriginPolicy {
  private readonly configured: Set<string>;

  constructor(private readonly options: OriginPolicyOptions) {
    this.configured = new Set(options.configured.map(normalise));
  }

  /** Whether a request with this `Origin` header may proceed. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const candidate = normalise(origin);
    if (this.configured.has(candidate)) return true;
    if (this.options.own().some((o) => o !== undefined && normalise(o) === candidate)) return true;
    return this.options.localMode() && LOOPBACK_ORIGIN.test(candidate);
  }
}

/** Origins compare without a trailing slash and case-insensitively (scheme and host are). */
function normalise(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

/** What a refused client is told: which origins are accepted and how to add one. */
export const ORIGIN_REFUSED_MESSAGE = 'This Origin may not use the API: add it to CORS_ORIGINS, or call from the server\'s own origin (PUBLIC_URL).';
