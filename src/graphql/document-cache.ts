import { type DocumentNode, type GraphQLError, type GraphQLSchema, parse, validate } from 'graphql';

/** A parsed document and its validation errors against the schema. */
export interface CachedDocument {
  document: DocumentNode;
  errors: readonly GraphQLError[];
}

/**
 * Parsed and validated documents by query text, least recently used evicted first. Clients
 * subscribe with the same few documents over and over (every reconnect re-subscribes), so parsing
 * and validating once per text saves that work on every subscribe.
 */
export class DocumentCache {
  private readonly entries = new Map<string, CachedDocument>();
  /** Counters for metrics and tests. */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly maxEntries = 1000,
  ) {}

  /** @throws GraphQLError when the text does not parse. */
  get(query: string): CachedDocument {
    const cached = this.entries.get(query);
    if (cached) {
      this.stats.hits++;
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    this.stats.misses++;
    const document = parse(query);
    const entry = { document, errors: validate(this.schema, document) };
    this.entries.set(query, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return entry;
  }
}
