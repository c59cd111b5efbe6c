import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../logger';
import { clientAddress } from './client-address';
import { ORIGIN_REFUSED_MESSAGE, type OriginPolicy } from './origin';

/** Options of {@link WebSocketGate}. */
export interface WebSocketGateOptions {
  origins: OriginPolicy;
  /** Largest message before `connection_ack`: `connection_init` carries a key, nothing more. */
  preAuthMaxPayloadBytes: number;
  /** Largest message once authenticated (the server's `maxPayload`). */
  maxPayloadBytes: number;
  /** Connections one client address may hold open before they authenticate. */
  preAuthConnectionsPerAddress: number;
  logger: Logger;
}

/** The part of ws's per-socket receiver whose limit is read on every frame. */
interface ReceiverLimit {
  _maxPayload?: unknown;
}

/**
 * Sets the largest message a socket accepts from now on. ws has one `maxPayload` per server and
 * no public per-socket setter, but its receiver reads `_maxPayload` on every frame header, so a
 * connection can start with a small limit and get the full one once authenticated. A frame
 * declared larger is refused from its header (close 1009): nothing of it is buffered.
 */
function setMessageLimit(socket: WebSocket, bytes: number): void {
  const receiver = (socket as unknown as { _receiver?: ReceiverLimit })._receiver;
  if (receiver && typeof receiver._maxPayload === 'number') receiver._maxPayload = bytes;
}

/**
 * What happens to a WebSocket before it is authenticated: the upgrade is refused (before the
 * handshake) for a browser Origin that may not use the API (403) or for an address that already
 * has too many unauthenticated connections (429); an accepted socket takes only small messages
 * until {@link authenticated} is called.
 */
export class WebSocketGate {
  private readonly pending = new Map<string, number>();
  private readonly releases = new WeakMap<IncomingMessage, () => void>();

  constructor(private readonly options: WebSocketGateOptions) {}

  /** Installs the gate on a server: upgrade checks, the pre-auth message limit, and error logging. */
  install(wss: WebSocketServer): void {
    wss.options.verifyClient = (info, accept) => {
      const { req } = info;
      if (!this.options.origins.allows(req.headers.origin)) {
        this.options.logger.warn({ origin: req.headers.origin }, 'WebSocket upgrade refused: origin not allowed');
        accept(false, 403, ORIGIN_REFUSED_MESSAGE);
        return;
      }
      const address = clientAddress(req);
      const open = this.pending.get(address) ?? 0;
      if (open >= this.options.preAuthConnectionsPerAddress) {
        this.options.logger.warn({ address, open }, 'WebSocket upgrade refused: too many unauthenticated connections');
        accept(false, 429, `This address already has ${open} WebSocket connections that have not sent connection_init; authenticate or close them first.`, { 'retry-after': '1' });
        return;
      }
      this.reserve(req, address);
      accept(true);
    };
    wss.on('connection', (socket: WebSocket) => setMessageLimit(socket, this.options.preAuthMaxPayloadBytes));
  }

  /**
   * Replaces graphql-ws's socket error handler (it prints stack traces to stderr): protocol
   * errors are the client's (ws already closed with the matching code, e.g. 1009 for a message
   * over the limit) and are logged briefly; anything else closes with 4500. Call after graphql-ws
   * has registered its own handler.
   */
  replaceErrorLogging(wss: WebSocketServer): void {
    wss.on('connection', (socket: WebSocket) => {
      socket.removeAllListeners('error');
      socket.on('error', (error: Error & { code?: string }) => {
        if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_')) {
          this.options.logger.info({ code: error.code, reason: error.message }, 'WebSocket closed: protocol error from the client');
          return;
        }
        this.options.logger.warn({ err: { message: error.message, code: error.code } }, 'WebSocket error');
        socket.close(4500, 'Internal server error');
      });
    });
  }

  /** The connection authenticated: it no longer counts against its address, and takes full-size messages. */
  authenticated(socket: WebSocket, req: IncomingMessage): void {
    this.releases.get(req)?.();
    setMessageLimit(socket, this.options.maxPayloadBytes);
  }

  private reserve(req: IncomingMessage, address: string): void {
    this.pending.set(address, (this.pending.get(address) ?? 0) + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const left = (this.pending.get(address) ?? 1) - 1;
      if (left <= 0) this.pending.delete(address);
      else this.pending.set(address, left);
    };
    this.releases.set(req, release);
    // Whatever becomes of the upgrade (handshake failure, close before init), the slot comes back.
    req.socket.once('close', release);
  }
}
