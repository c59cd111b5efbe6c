import type { UpstreamClient } from './client';

/**
 * The configured upstreams by name. Jobs record the name of the upstream they were sent to, so
 * follow-up calls (poll, download, remix) go to the same one even after the configuration changes.
 */
export class Upstreams {
  private readonly byName = new Map<string, UpstreamClient>();

  constructor(
    clients: UpstreamClient[],
    readonly defaultName: string,
  ) {
    for (const client of clients) this.byName.set(client.name, client);
    if (!this.byName.has(defaultName)) throw new Error(`default upstream '${defaultName}' is not configured`);
  }

  /** The upstream called `name`. @throws when it is no longer configured. */
  get(name: string): UpstreamClient {
    const client = this.byName.get(name);
    if (!client) throw new Error(`upstream '${name}' is not configured`);
    return client;
  }

  get default(): UpstreamClient {
    return this.get(this.defaultName);
  }

  all(): UpstreamClient[] {
    return [...this.byName.values()];
  }
}
