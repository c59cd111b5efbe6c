import type { RequestContext } from './context';

/** Loads one object of a Node type for `node(id:)`, scoped to the viewer. */
export type NodeFetcher = (ctx: RequestContext, id: string) => Promise<object | undefined | null>;

const fetchers = new Map<string, NodeFetcher>();
const typeNames = new Map<Function, string>();

/**
 * Registers a Node type: how `node(id:)` loads it, and which root-value class it is (so the
 * `Node` interface can tell the GraphQL type of an entity). Each feature registers its own.
 */
export function registerNode(typeName: string, rootClass: Function, fetch: NodeFetcher): void {
  fetchers.set(typeName, fetch);
  typeNames.set(rootClass, typeName);
}

export function nodeFetcher(typeName: string): NodeFetcher | undefined {
  return fetchers.get(typeName);
}

/** The GraphQL type name of a root value (walks the prototype chain, so detached copies work). */
export function nodeTypeName(value: object): string | undefined {
  for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
    const name = typeNames.get(proto.constructor);
    if (name) return name;
  }
  return undefined;
}
