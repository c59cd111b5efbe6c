import { type DocumentNode, GraphQLError, type GraphQLSchema, parse, validate } from 'graphql';
import { checkQueryText, type QueryLimits, tokenLimitError } from './limits';

/** A parsed document and its validation errors against the schema. */
export interface CachedDocument {
  document: DocumentNode;
  errors: readonly GraphQLError[];
}

/** Default budget of the cache: the query text it holds, in bytes (the parsed trees are a small multiple). */
export const DOCUMENT_CACHE_BYTES = 8 * 1024 * 1024;

/**
 * Parsed and validated documents by query text, least recently used evicted first. Clients
 * subscribe with the same few documents over and over (every reconnect re-subscribes), so parsing
 * and validating once per text saves that work on every subscribe. Text over the byte or token
 * limit is refused before it is parsed (so it is never validated nor kept), and the cache is
 * bounded by the bytes of text it holds, not by its number of entries.
 */
export class DocumentCache {
  private readonly entries = new Map<string, CachedDocument>();
  private bytes = 0;
  /** Counters for metrics and tests. */
  readonly stats = { hits: 0, misses: 0 };

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly limits: Pick<QueryLimits, 'maxQueryBytes' | 'maxQueryTokens'>,
    private readonly maxBytes = DOCUMENT_CACHE_BYTES,
  ) {}

  /** Bytes of query text held now. */
  get size(): number {
    return this.bytes;
  }

  /**
   * @throws AppError QUERY_TOO_COMPLEX when the text is over the byte or token limit.
   * @throws GraphQLError when the text does not parse.
   */
  get(query: string): CachedDocument {
    const cached = this.entries.get(query);
    if (cached) {
      this.stats.hits++;
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    this.stats.misses++;
    checkQueryText(query, this.limits);
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: this.limits.maxQueryTokens });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      throw tokenLimitError(error) ?? new GraphQLError(error.message, { source: error.source, positions: error.positions, extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    }
    const errors = validate(this.schema, document).map(
      (e) => new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    );
    const entry = { document, errors };
    this.entries.set(query, entry);
    this.bytes += query.length;
    for (const [text] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(text);
      this.bytes -= text.length;
    }
    return entry;
  }
}
