import type { IncomingMessage } from 'node:http';

/** Whether an IP address is this machine's (IPv4 127/8, IPv6 ::1, or IPv4-mapped 127/8). */
export function isLoopbackAddress(address: string): boolean {
  return address === '::1' || /^(::ffff:)?127\.\d+\.\d+\.\d+$/.test(address);
}

/**
 * The address a request came from, trusting `X-Forwarded-For` only from loopback peers: the same
 * rule as express's `trust proxy: 'loopback'`, so HTTP and WebSocket limits count the same client.
 * A proxy on this machine is believed; anyone else who sends the header is not.
 */
export function clientAddress(req: IncomingMessage): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  const forwarded = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',').map((h) => h.trim()).filter(Boolean);
  // Walk from the nearest hop outwards while the hop that told us is a trusted (loopback) proxy.
  while (isLoopbackAddress(address) && hops.length > 0) address = hops.pop() as string;
  return address;
}
