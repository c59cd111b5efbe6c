import type { TestServer } from './server';

/**
 * Milliseconds a trivial query (`{ __typename }`) takes: the median of three in a row, since one
 * sample is at the mercy of a loaded CI machine. Fails the test if any of them is not a 200.
 */
export async function quickQueryMs(server: TestServer, headers: Record<string, string> = {}): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const result = await server.gql.request('{ __typename }', undefined, headers);
    if (result.status !== 200) throw new Error(`{ __typename } answered ${result.status}: ${JSON.stringify(result.errors)}`);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[1];
}
