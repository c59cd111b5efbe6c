import { checkUrl, isForbiddenAddress, OutboundError, send, UrlRefused } from '../../src/net/outbound-http';
import { Receiver } from './receiver';

describe('outbound request guard', () => {
  it.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.255',
    '0.0.0.0', '224.0.0.1', '239.255.255.250', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe', '[::1]', 'not-an-ip',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '93.184.215.14', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '::ffff:808:808'])('allows public %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(false);
  });

  it('checks names by what they resolve to, at acceptance and again inside the connection (DNS rebinding)', async () => {
    const receiver = await Receiver.start();
    try {
      let answer = '93.184.215.14';
      const resolver = async () => [{ address: answer, family: 4 }];
      const url = await checkUrl(`http://rebind.example:${receiver.port}/hook`, { field: 'input.url', allowHttp: true, maxLength: 2048, allowPrivate: false, resolver });
      expect(url.hostname).toBe('rebind.example');

      // The name now points at loopback: the request is refused in its own lookup, nothing connects.
      answer = '127.0.0.1';
      const request = { method: 'POST' as const, url, body: '{}', timeoutMs: 2000, maxBytes: 1024, resolver };
      await expect(send({ ...request, allowPrivate: false })).rejects.toMatchObject({ kind: 'refused' });
      await expect(checkUrl(url.toString(), { field: 'input.url', allowHttp: true, maxLength: 2048, allowPrivate: false, resolver })).rejects.toBeInstanceOf(UrlRefused);
      expect(receiver.at()).toHaveLength(0);

      // Positive control: the same request with private targets allowed connects to the resolved address.
      const response = await send({ ...request, allowPrivate: true });
      expect(response.status).toBe(204);
      expect(receiver.at('/hook')).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it('does not follow redirects, and gives up on a receiver that never answers', async () => {
    const receiver = await Receiver.start();
    try {
      receiver.reply('/moved', 302);
      const moved = await send({ method: 'GET', url: new URL(receiver.url('/moved')), timeoutMs: 2000, maxBytes: 1024, allowPrivate: true });
      expect(moved.status).toBe(302);
      expect(receiver.at()).toHaveLength(1);
      receiver.reply('/slow', 'hang');
      const error = await send({ method: 'GET', url: new URL(receiver.url('/slow')), timeoutMs: 300, maxBytes: 1024, allowPrivate: true }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutboundError);
      expect((error as OutboundError).kind).toBe('timeout');
    } finally {
      await receiver.close();
    }
  });
});
