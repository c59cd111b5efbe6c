import { ArgsType, type ClassType, Field, ID, InterfaceType, Int, ObjectType } from 'type-graphql';
import { badInput } from '../errors';
import { isUlid } from '../ids';
import { nodeTypeName } from './nodes';

/** Largest page a connection serves; larger `first` values are refused, not silently cut. */
export const MAX_PAGE_SIZE = 100;
/** Page size when `first` is omitted. */
export const DEFAULT_PAGE_SIZE = 20;

/** Relay's object identification: every addressable object has an opaque, global `id`. */
@InterfaceType('Node', {
  description: 'An object with a globally unique, opaque ID.',
  resolveType: (value: object) => nodeTypeName(value),
})
export abstract class NodeInterface {
  @Field(() => ID, { description: 'Opaque global ID; pass it to `node(id:)` or to the mutations that take it.' })
  id!: string;
}

/** Encodes a type name and a row id as an opaque global id. */
export function toGlobalId(typeName: string, id: string): string {
  return Buffer.from(`${typeName}:${id}`, 'utf8').toString('base64url');
}

/** Decodes a global id; undefined when it is not one of ours (never throws). */
export function fromGlobalId(globalId: string): { typeName: string; id: string } | undefined {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 200) return undefined;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const typeName = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  if (!/^[A-Z][A-Za-z]+$/.test(typeName) || !isUlid(id)) return undefined;
  return { typeName, id };
}

/**
 * Decodes a global id that must name an object of `typeName`, for a mutation input.
 * @throws BAD_USER_INPUT naming `field` when the id is malformed or of another type.
 */
export function expectGlobalId(globalId: string, typeName: string, field: string): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.typeName !== typeName) {
    throw badInput(field, `${field} must be a ${typeName} ID as returned by the API (got '${String(globalId).slice(0, 80)}').`);
  }
  return parsed.id;
}

/** Paging arguments shared by every connection. */
@ArgsType()
export class PageArgs {
  // Checked by pageRequest() in the service, which names the field and the limit in its error.
  @Field(() => Int, { nullable: true, description: `Number of items from the start (or from \`after\`), 1 to ${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE} when neither \`first\` nor \`last\` is given; not together with \`last\`.` })
  first?: number;

  @Field(() => String, { nullable: true, description: 'Only items after this cursor: the `pageInfo.endCursor` of the previous page when paging forward.' })
  after?: string;

  @Field(() => Int, { nullable: true, description: `Number of items from the end (or from \`before\`), 1 to ${MAX_PAGE_SIZE}, for paging backward; not together with \`first\`.` })
  last?: number;

  @Field(() => String, { nullable: true, description: 'Only items before this cursor: the `pageInfo.startCursor` of the next page when paging backward with `last`.' })
  before?: string;
}

/** A validated page request: how many, which way, and the decoded bounds. */
export interface PageRequest<K = string> {
  size: number;
  /** True for `last`: the page is the end of the range, fetched in reverse and turned around. */
  backward: boolean;
  after?: K;
  before?: K;
}

/**
 * Validates the paging arguments. `decode` turns a cursor into the key it bounds (a row id by default).
 * @throws BAD_USER_INPUT for `first` with `last`, a size outside 1..100, or a cursor we did not issue.
 */
export function pageRequest<K = string>(
  args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null },
  decode: (cursor: string, field: string) => K = decodeCursor as unknown as (cursor: string, field: string) => K,
): PageRequest<K> {
  const given = (n: number | null | undefined): n is number => n !== undefined && n !== null;
  if (given(args.first) && given(args.last)) {
    throw badInput('last', 'Give first or last, not both: first pages forward (with after), last pages backward (with before).');
  }
  const backward = given(args.last);
  return {
    size: given(args.last) ? checkSize(args.last, 'last') : pageSize(args.first),
    backward,
    after: args.after ? decode(args.after, 'after') : undefined,
    before: args.before ? decode(args.before, 'before') : undefined,
  };
}

/**
 * The key range and query order for a request over a connection ordered by a key `order`:
 * fetch `limit` rows (one extra says "there is more") with `range` and `orderBy`, then {@link pageOf}.
 */
export function keyset<K>(request: PageRequest<K>, order: 'asc' | 'desc'): { range?: { $lt?: K; $gt?: K }; orderBy: 'asc' | 'desc'; limit: number } {
  const range: { $lt?: K; $gt?: K } = {};
  // In a newest-first (desc) connection "after" means smaller keys; in an asc one, larger.
  const afterOp = order === 'desc' ? '$lt' : '$gt';
  const beforeOp = order === 'desc' ? '$gt' : '$lt';
  if (request.after !== undefined) range[afterOp] = request.after;
  if (request.before !== undefined) range[beforeOp] = request.before;
  const flipped = order === 'desc' ? 'asc' : 'desc';
  return { range: Object.keys(range).length > 0 ? range : undefined, orderBy: request.backward ? flipped : order, limit: request.size + 1 };
}

/** Builds the page for a request from rows fetched as {@link keyset} said (so backward rows come reversed). */
export function pageOf<T>(rows: T[], request: PageRequest<unknown>, cursorOf?: (row: T) => string): Page<T> {
  if (!request.backward) return toPage(rows, request.size, request.after !== undefined, cursorOf);
  const page = toPage(rows.slice(0, request.size).reverse(), request.size, rows.length > request.size, cursorOf);
  // A backward page ends at `before`; the items from `before` on exist (it is one of our cursors).
  page.pageInfo.hasNextPage = request.before !== undefined;
  return page;
}

@ObjectType({ description: 'Where a page sits in the whole list.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page; pass `endCursor` as `after` to get them.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when items precede this page (the page was asked for with `after`, or more items precede a page asked for with `last`); pass `startCursor` as `before` with `last` to get them.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of this page; null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page; null when the page is empty.' })
  endCursor!: string | null;
}

/** A page of rows plus what the connection types need. */
export interface Page<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
}

/** Cursor of a row: opaque to clients, `<kind>:<position>` to us. */
export function encodeCursor(position: string | number, kind = 'cursor'): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64url');
}

/** Row id of a cursor made by {@link encodeCursor}. @throws BAD_USER_INPUT when it is not one we issued. */
export function decodeCursor(cursor: string, field = 'after'): string {
  const id = readCursor(cursor, 'cursor');
  if (id === undefined || !isUlid(id)) throw badInput(field, `${field} is not a cursor returned by this connection.`);
  return id;
}

/** The position inside a cursor of `kind`, or undefined when the cursor is of another kind or malformed. */
export function readCursor(cursor: string, kind: string): string | undefined {
  const decoded = Buffer.from(String(cursor), 'base64url').toString('utf8');
  return decoded.startsWith(`${kind}:`) ? decoded.slice(kind.length + 1) : undefined;
}

/** Validates `first` (1..100, default 20). */
export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  return checkSize(first, 'first');
}

function checkSize(size: number, field: 'first' | 'last'): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(field, `${field} must be between 1 and ${MAX_PAGE_SIZE} (got ${size}).`);
  }
  return size;
}

/**
 * Builds a page from rows fetched with one extra row (the extra one only says "there is more").
 * `cursorOf` defaults to the row id.
 */
export function toPage<T>(rows: T[], size: number, hasPrevious: boolean, cursorOf: (row: T) => string = (row) => encodeCursor((row as { id: string }).id)): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: hasPrevious,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Creates the `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function connectionType<T extends object>(nodeType: ClassType<T>, name: string, order = 'newest first'): ClassType<Page<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with the cursor that marks its position.` })
  class Edge {
    @Field({ description: 'Opaque position of this item; pass it as `after` (or `before`) to page from here.' })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${name} itself.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects, ${order}.` })
  class Connection {
    @Field(() => [Edge], { description: 'The items of this page with their cursors, in the order of the connection.' })
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The nodes of `edges`, for clients that do not need cursors.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Cursors and whether more items exist before or after this page.' })
    pageInfo!: PageInfo;
  }

  return Connection;
}
