import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * Outbound HTTP to addresses a tenant chose (webhook receivers, reference image URLs): the one
 * place that guards against server-side request forgery. A target is refused when its host is, or
 * resolves to, a loopback, private, link-local, CGNAT, unspecified, multicast or reserved address
 * (IPv4-mapped IPv6 included). The check runs when the URL is accepted AND inside the connection's
 * own DNS lookup, so the socket connects to exactly the address that was checked (a DNS answer
 * that changes in between, "rebinding", cannot slip through). Redirects are never followed.
 */

/** Why an outbound request did not produce a response. */
export type OutboundFailure = 'refused' | 'timeout' | 'network' | 'too_large';

/** An outbound request that failed before a complete response arrived. */
export class OutboundError extends Error {
  constructor(
    readonly kind: OutboundFailure,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['2001:db8::', 32],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or -compatible IPv6 address, if any. */
function embeddedIpv4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::ffff:0:|::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** True when `address` (an IP literal) must not be the target of a request a tenant chose. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return true;
  const mapped = embeddedIpv4(bare);
  if (mapped) return blocked.check(mapped, 'ipv4');
  return blocked.check(bare, 'ipv6');
}

/** Resolves a host name to every address it has. Injectable so tests can play a rebinding DNS. */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** How the guard treats a target. */
export interface TargetPolicy {
  /** `OUTBOUND_WEBHOOKS_ALLOW_PRIVATE`: skip the address check (local receivers, tests). */
  allowPrivate: boolean;
  resolver?: Resolver;
}

/** The checked addresses of a host; throws `refused` when any of them is forbidden. */
export async function resolveAllowed(hostname: string, policy: TargetPolicy): Promise<{ address: string; family: number }[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  let addresses: { address: string; family: number }[];
  if (family) addresses = [{ address: bare, family }];
  else {
    try {
      addresses = await (policy.resolver ?? systemResolver)(bare);
    } catch {
      throw new OutboundError('network', `the host '${bare}' could not be resolved`);
    }
  }
  if (addresses.length === 0) throw new OutboundError('network', `the host '${bare}' has no address`);
  if (!policy.allowPrivate) {
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad) throw new OutboundError('refused', `'${bare}' is or resolves to ${bad.address}, a loopback, private, link-local or otherwise non-public address`);
  }
  return addresses;
}

/** A complete response (its body cut off at `maxBytes`). */
export interface OutboundResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  latencyMs: number;
}

/** One outbound request. */
export interface OutboundRequest extends TargetPolicy {
  method: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  /** Largest response body accepted; a larger one fails with `too_large` (declared or streamed). */
  maxBytes: number;
}

/**
 * Sends one request to a guarded target. The socket's DNS lookup is the check itself, so the
 * address connected to is the address checked. 3xx responses are returned as they are (never
 * followed). @throws OutboundError
 */
export function send(request: OutboundRequest): Promise<OutboundResponse> {
  const started = Date.now();
  const transport = request.url.protocol === 'https:' ? https : http;
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolveAllowed(hostname, request).then(
      (addresses) => {
        if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: Error) => callback(error as NodeJS.ErrnoException, '', 0),
    );
  };
  // Sockets skip the lookup for IP literals, so those are checked here instead.
  const literal = request.url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal) && !request.allowPrivate && isForbiddenAddress(literal)) {
    return Promise.reject(new OutboundError('refused', `'${literal}' is or resolves to ${literal}, a loopback, private, link-local or otherwise non-public address`));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (error: OutboundError) => {
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    const req = transport.request(request.url, {
      method: request.method,
      headers: { ...request.headers, ...(request.body !== undefined ? { 'content-length': String(Buffer.byteLength(request.body)) } : {}) },
      lookup,
      // One fresh connection per request: a pooled socket would skip the lookup, and with it the check.
      agent: false,
    });
    const timer = setTimeout(() => fail(new OutboundError('timeout', `no complete response within ${request.timeoutMs} ms`)), request.timeoutMs);
    req.on('error', (error: Error) => {
      clearTimeout(timer);
      fail(error instanceof OutboundError ? error : new OutboundError('network', error.message || 'connection failed'));
    });
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > request.maxBytes) {
        clearTimeout(timer);
        fail(new OutboundError('too_large', `the response is ${declared} bytes, more than the ${request.maxBytes} allowed`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBytes) {
          clearTimeout(timer);
          fail(new OutboundError('too_large', `the response is larger than the ${request.maxBytes} bytes allowed`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', () => undefined);
      res.on('end', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), latencyMs: Date.now() - started });
      });
    });
    req.end(request.body);
  });
}

/** Rules for URLs a tenant registers. */
export interface UrlRules extends TargetPolicy {
  /** The input path named in errors, e.g. `input.url`. */
  field: string;
  /** http is allowed too (local mode, or private targets allowed); https otherwise. */
  allowHttp: boolean;
  maxLength: number;
}

/** Why a URL was refused, for a BAD_USER_INPUT message. */
export class UrlRefused extends Error {}

/**
 * Parses and checks a URL a tenant gave: absolute http(s), no credentials, within the length
 * limit, https unless `allowHttp`, and a host that resolves only to public addresses.
 * @throws UrlRefused with a message that says what to change.
 */
export async function checkUrl(raw: string, rules: UrlRules): Promise<URL> {
  if (raw.length > rules.maxLength) throw new UrlRefused(`${rules.field} is ${raw.length} characters; at most ${rules.maxLength} are allowed.`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused(`${rules.field} must be an absolute URL such as https://example.com/hooks (got '${raw.slice(0, 100)}').`);
  }
  if (url.protocol !== 'https:' && !(rules.allowHttp && url.protocol === 'http:')) {
    throw new UrlRefused(`${rules.field} must use https${rules.allowHttp ? ' or http' : ''} (got ${url.protocol.replace(/:$/, '')}).`);
  }
  if (url.username || url.password) throw new UrlRefused(`${rules.field} must not carry a user name or password; put credentials in the path or query instead.`);
  try {
    await resolveAllowed(url.hostname, rules);
  } catch (error) {
    if (error instanceof OutboundError) {
      const why = error.kind === 'refused' ? `${error.message}; use a public address` : `${error.message}; check the host name`;
      throw new UrlRefused(`${rules.field} is not reachable as an outbound target: ${why}.`);
    }
    throw error;
  }
  return url;
}
