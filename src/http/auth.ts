import type { IncomingMessage } from 'node:http';
import type { PubSub } from '@graphql-yoga/subscription';
import type { Topics } from '../events/topics';
import type { Viewer } from '../graphql/context';
import type { Logger } from '../logger';
import { hashKey } from '../modules/tenants/api-key.service';
import type { ApiKeyService } from '../modules/tenants/api-key.service';
import type { AuthFailureLimiter } from './auth-failures';
import { clientAddress } from './client-address';

/** Why a request was not authenticated. */
export type AuthFailure = 'missing' | 'invalid' | 'throttled';

/** The outcome of authenticating a request or a WebSocket connection (`retryAfterMs` with `throttled`). */
export type AuthResult = { viewer: Viewer } | { failure: AuthFailure; retryAfterMs?: number };

/** Routing id of the revocation topic: every instance listens to all revocations. */
const REVOCATIONS = 'all';

/** Options of {@link Authenticator}. */
export interface AuthenticatorOptions {
  keys: ApiKeyService;
  /** The implicit tenant of local mode. */
  localViewer: Viewer;
  /** Local mode may be used at all: bound to loopback, or ALLOW_ANONYMOUS. */
  localModeAllowed: boolean;
  /** How long a verified key is trusted before it is looked up again. Default 10 s. */
  cacheMs?: number;
  /** How often revocations and the "any keys?" state are read from the database. Default 2 s. */
  watchMs?: number;
  /** Counts failed authentications per client address; past its limit, attempts are refused before any lookup. */
  failures?: AuthFailureLimiter;
  /** The event bus: revocations made here are told to every instance at once (the watcher is the safety net). */
  pubsub?: PubSub<Topics>;
  logger: Logger;
}

/** A message for each failure, saying what to do. */
export const AUTH_MESSAGES: Record<AuthFailure, string> = {
  missing: 'This server needs an API key: send Authorization: Bearer <key> (WebSocket: connection_init payload {"authorization": "Bearer <key>"}).',
  invalid: 'The API key is not valid: it is unknown or was revoked.',
  throttled: 'Too many failed authentications from this address; retry later with a valid API key.',
};

/**
 * Who is calling. A request with a key is the key's tenant and role; a request without one is
 * the implicit local tenant only while no key exists and local mode is allowed (loopback bind, or
 * ALLOW_ANONYMOUS). Verified keys are cached briefly; a watcher reads revocations from the
 * database (so keys revoked by the CLI or another instance are noticed too), evicts them and tells
 * listeners, which close the key's WebSocket connections. A revocation through the API does the
 * same before the mutation returns, and reaches other instances through the event bus.
 */
export class Authenticator {
  private readonly cache = new Map<string, { viewer: Viewer | null; until: number }>();
  private readonly revokedListeners: ((keyIds: Set<string>) => void)[] = [];
  /**
   * Keys revoked while this process ran. A lookup that started before a revocation may finish
   * after it with the key's viewer; checking this set keeps that answer from being used or cached.
   */
  private readonly revoked = new Set<string>();
  private keysExist = true;
  private lastCheck = new Date();
  private timer: NodeJS.Timeout | undefined;
  private revocations: AsyncIterator<Topics['apikey.revoked'][1]> | undefined;

  constructor(private readonly options: AuthenticatorOptions) {
    options.keys.onRevoked((keyIds) => this.revoke(keyIds, true));
  }

  /** Reads the initial state and starts watching for revocations. */
  async start(): Promise<void> {
    this.keysExist = await this.options.keys.anyActive();
    this.lastCheck = new Date();
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.watch(), this.options.watchMs ?? 2000);
    this.timer.unref();
    if (this.options.pubsub && !this.revocations) void this.listen(this.options.pubsub);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    void this.revocations?.return?.();
  }

  /** True while requests without a key act as the local tenant. */
  get localMode(): boolean {
    return this.options.localModeAllowed && !this.keysExist;
  }

  /** Called with the ids of keys that were just revoked. */
  onRevoked(listener: (keyIds: Set<string>) => void): void {
    this.revokedListeners.push(listener);
  }

  /** Authenticates an HTTP request by its Authorization header (`Bearer <key>`). */
  fromRequest(req: IncomingMessage): Promise<AuthResult> {
    return this.fromCredential(bearer(req.headers.authorization), clientAddress(req));
  }

  /** Authenticates a WebSocket: `connection_init` payload `{authorization}` or `{apiKey}`, else the upgrade request's header. */
  fromConnection(params: Record<string, unknown> | undefined, request: IncomingMessage): Promise<AuthResult> {
    const fromParams = typeof params?.authorization === 'string' ? bearer(params.authorization) : typeof params?.apiKey === 'string' ? params.apiKey : undefined;
    return this.fromCredential(fromParams ?? bearer(request.headers.authorization), clientAddress(request));
  }

  /** Forgets what was cached about the given keys (after a revocation). */
  evict(keyIds: Set<string>): void {
    for (const [hash, entry] of this.cache) if (entry.viewer?.keyId && keyIds.has(entry.viewer.keyId)) this.cache.delete(hash);
  }

  /**
   * Applies a revocation in this process: forgets the keys, refuses them from now on and tells
   * listeners (which close their sockets); with `broadcast`, tells the other instances too.
   */
  private async revoke(keyIds: Set<string>, broadcast: boolean): Promise<void> {
    for (const id of keyIds) this.revoked.add(id);
    // Bounded: beyond this many, the database (verify reads revokedAt) is what refuses old keys.
    for (const id of this.revoked) {
      if (this.revoked.size <= 10_000) break;
      this.revoked.delete(id);
    }
    this.evict(keyIds);
    for (const listener of this.revokedListeners) listener(keyIds);
    if (broadcast) this.options.pubsub?.publish('apikey.revoked', REVOCATIONS, { keyIds: [...keyIds] });
  }

  /** Applies revocations other instances publish. */
  private async listen(pubsub: PubSub<Topics>): Promise<void> {
    const stream = pubsub.subscribe('apikey.revoked', REVOCATIONS);
    this.revocations = stream[Symbol.asyncIterator]();
    try {
      for (let item = await this.revocations.next(); !item.done; item = await this.revocations.next()) {
        await this.revoke(new Set(item.value.keyIds), false);
      }
    } catch (error) {
      this.options.logger.warn({ err: { message: (error as Error).message } }, 'revocation events stopped; the database watcher still applies revocations');
    }
  }

  private async fromCredential(secret: string | undefined, address: string): Promise<AuthResult> {
    if (!secret) return this.localMode ? { viewer: this.options.localViewer } : { failure: 'missing' };
    const hash = hashKey(secret);
    const cached = this.cache.get(hash);
    let viewer: Viewer | null;
    if (cached && cached.until > Date.now()) {
      viewer = cached.viewer;
    } else {
      // An address that keeps presenting unknown keys is refused before it costs a lookup.
      const waitMs = (await this.options.failures?.blockedFor(address)) ?? 0;
      if (waitMs > 0) return { failure: 'throttled', retryAfterMs: waitMs };
      viewer = await this.options.keys.verify(secret);
      if (viewer?.keyId && this.revoked.has(viewer.keyId)) viewer = null;
      if (!viewer) await this.options.failures?.record(address);
      // Unknown keys are cached too (briefly), so guessing costs no database reads.
      this.cache.set(hash, { viewer, until: Date.now() + (this.options.cacheMs ?? 10_000) });
      if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value as string);
      if (viewer) this.keysExist = true;
    }
    return viewer ? { viewer } : { failure: 'invalid' };
  }

  private async watch(): Promise<void> {
    try {
      const since = this.lastCheck;
      this.lastCheck = new Date();
      const revoked = await this.options.keys.revokedSince(new Date(since.getTime() - 1));
      if (revoked.length > 0) await this.revoke(new Set(revoked.map((k) => k.id)), false);
      this.keysExist = await this.options.keys.anyActive();
    } catch (error) {
      this.options.logger.warn({ err: { message: (error as Error).message } }, 'reading key revocations failed; will retry');
    }
  }
}

/** The key in an `Authorization: Bearer <key>` value. */
function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
