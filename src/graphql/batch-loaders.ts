import DataLoader from 'dataloader';

/**
 * A loader that fetches many rows in one query and hands each key the row whose `keyOf` matches
 * (undefined when none). `fetch` receives the distinct keys of one batch.
 */
export function byKey<K, V>(fetch: (keys: K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V | undefined> {
  return new DataLoader<K, V | undefined>(async (keys) => {
    const rows = await fetch([...keys]);
    const map = new Map(rows.map((row) => [keyOf(row), row]));
    return keys.map((key) => map.get(key));
  });
}

/** Like {@link byKey}, for one-to-many relations: each key gets every matching row, in fetch order. */
export function groupedByKey<K, V>(fetch: (keys: K[]) => Promise<V[]>, keyOf: (row: V) => K): DataLoader<K, V[]> {
  return new DataLoader<K, V[]>(async (keys) => {
    const rows = await fetch([...keys]);
    const map = new Map<K, V[]>();
    for (const row of rows) {
      const key = keyOf(row);
      const list = map.get(key);
      if (list) list.push(row);
      else map.set(key, [row]);
    }
    return keys.map((key) => map.get(key) ?? []);
  });
}
