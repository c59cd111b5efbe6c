/** The API key the browser sends, kept in localStorage so studio and explorer share it. */
const STORAGE_KEY = 'reelgraph.apiKey';

/** The stored key, or undefined (local mode needs none). */
export function getApiKey(): string | undefined {
  return localStorage.getItem(STORAGE_KEY) ?? undefined;
}

/** Stores the key (an empty value forgets it). */
export function setApiKey(key: string): void {
  const trimmed = key.trim();
  if (trimmed) localStorage.setItem(STORAGE_KEY, trimmed);
  else localStorage.removeItem(STORAGE_KEY);
}

/** `Bearer <key>` for the Authorization header and `connection_init`, or undefined. */
export function authorization(): string | undefined {
  const key = getApiKey();
  return key ? `Bearer ${key}` : undefined;
}

/** The WebSocket URL of the GraphQL endpoint on this page's origin. */
export function graphqlWsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}
