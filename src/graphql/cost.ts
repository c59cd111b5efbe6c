import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  GraphQLIncludeDirective,
  type GraphQLSchema,
  GraphQLSkipDirective,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
} from 'graphql';
import { controlCharacterMessage, findControlCharacter } from '../control-characters';
import { badInput } from '../errors';
import { DEFAULT_PAGE_SIZE } from './relay';

/** Assumed length of a list field that has no `first` (lineage lists are short). */
const ASSUMED_LIST_LENGTH = 10;

/**
 * Extra cost of root query fields whose SQL work is more than the rows they return: `spend`
 * aggregates every completed video of the period. Fields not listed cost what they select.
 */
export const ROOT_FIELD_BASE_COST: Readonly<Record<string, number>> = { spend: 50 };

/** What one pass over an operation finds. */
export interface OperationMeasure {
  /** Deepest field nesting; `__schema` and `__type` selections are not counted. */
  depth: number;
  /** Computed cost (see {@link measureOperation}). */
  cost: number;
  /** Fields at the top of the selection (aliases counted, fragments expanded, `__typename` not). */
  rootFields: number;
}

/** Types returned by a field that takes `first`: their fields (edges, nodes, pageInfo) are paged by it. */
const pagedTypesBySchema = new WeakMap<GraphQLSchema, Set<GraphQLNamedType>>();

function pagedTypes(schema: GraphQLSchema): Set<GraphQLNamedType> {
  let paged = pagedTypesBySchema.get(schema);
  if (paged) return paged;
  paged = new Set();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      if (field.args.some((a) => a.name === 'first')) paged.add(getNamedType(field.type));
    }
  }
  pagedTypesBySchema.set(schema, paged);
  return paged;
}

function fieldDefinition(schema: GraphQLSchema, parent: GraphQLCompositeType, name: string): GraphQLField<unknown, unknown> | undefined {
  if (name === SchemaMetaFieldDef.name) return SchemaMetaFieldDef;
  if (name === TypeMetaFieldDef.name) return TypeMetaFieldDef;
  return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
}

/**
 * Depth, cost and root field count of an operation in ONE pass, linear in the document: each
 * fragment is measured once and its figures reused at every spread (a fragment spreading the next
 * one twice, 25 levels deep, is 25 measurements, not 2^25). Every string argument value, from the
 * document or the variables, is checked for control characters on the way.
 *
 * Costs, weighted like Shopify's: scalars and enums 0, an object 1 plus its children, a paged
 * field (`first`, or the default page when absent) 1 plus the page size times its node — each
 * node costing at least 1, so a page of scalars is not free — while the paged type's own fields
 * (`edges`, `nodes`, `pageInfo`) are not counted again; `nodes(ids:)` likewise per id; other lists
 * an assumed length; root fields in {@link ROOT_FIELD_BASE_COST} their base cost on top.
 *
 * @param variables coerced variable values.
 * @throws AppError BAD_USER_INPUT naming the argument path of a string with a control character.
 */
export function measureOperation(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): OperationMeasure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const paged = pagedTypes(schema);
  const queryType = schema.getQueryType();
  const memo = new Map<string, OperationMeasure>();
  const zero: OperationMeasure = { depth: 0, cost: 0, rootFields: 0 };

  const included = (node: FieldNode | SelectionSetNode['selections'][number]): boolean => {
    if (!node.directives?.length) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false;
  };

  const fragment = (name: string): OperationMeasure => {
    const known = memo.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    const type = definition && schema.getType(definition.typeCondition.name.value);
    // Marked first, so a cycle (refused by validation anyway) cannot recurse forever.
    memo.set(name, zero);
    const measured = definition && type ? selectionSet(type as GraphQLCompositeType, definition.selectionSet) : zero;
    memo.set(name, measured);
    return measured;
  };

  const field = (parent: GraphQLCompositeType, node: FieldNode): OperationMeasure => {
    const name = node.name.value;
    const definition = fieldDefinition(schema, parent, name);
    if (!definition) return zero;
    const args = definition.args.length > 0 ? getArgumentValues(definition, node, variables) : {};
    if (node.arguments?.length) {
      for (const argument of node.arguments) {
        const hit = findControlCharacter(args[argument.name.value], argument.name.value);
        if (hit) throw badInput(hit.field, controlCharacterMessage(hit));
      }
    }
    // Schema introspection reads the in-memory schema, not the database: its selections (deeply
    // nested `ofType` chains in every standard tool's query) are exempt from cost and depth and not
    // even walked. The document's byte and token limits still bound them.
    if (definition === SchemaMetaFieldDef || definition === TypeMetaFieldDef) return zero;
    const type = getNamedType(definition.type);
    const introspection = name.startsWith('__');
    const child = node.selectionSet && !isLeafType(type) ? selectionSet(type as GraphQLCompositeType, node.selectionSet) : zero;
    const depth = introspection ? 0 : 1 + child.depth;
    if (isLeafType(type)) return { depth, cost: 0, rootFields: introspection ? 0 : 1 };
    let cost: number;
    // `last` pages like `first` (giving both is refused before anything runs; the larger one is charged).
    const requested = [args.first, args.last].filter((n): n is number => typeof n === 'number');
    const page = requested.length > 0 ? Math.max(0, ...requested) : Array.isArray(args.ids) ? args.ids.length : definition.args.some((a) => a.name === 'first') ? DEFAULT_PAGE_SIZE : undefined;
    if (paged.has(parent)) cost = child.cost;
    else if (page !== undefined) cost = 1 + Math.max(1, child.cost) * page;
    else if (isListType(getNullableType(definition.type))) cost = 1 + child.cost * ASSUMED_LIST_LENGTH;
    else cost = 1 + child.cost;
    if (parent === queryType) cost += ROOT_FIELD_BASE_COST[name] ?? 0;
    return { depth, cost, rootFields: 1 };
  };

  const selectionSet = (parent: GraphQLCompositeType, set: SelectionSetNode): OperationMeasure => {
    let depth = 0;
    let cost = 0;
    let rootFields = 0;
    for (const selection of set.selections) {
      if (!included(selection)) continue;
      let measured: OperationMeasure;
      if (selection.kind === Kind.FIELD) measured = field(parent, selection);
      else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType | undefined) : parent;
        measured = type ? selectionSet(type, selection.selectionSet) : zero;
      } else measured = fragment(selection.name.value);
      depth = Math.max(depth, measured.depth);
      cost += measured.cost;
      rootFields += measured.rootFields;
    }
    return { depth, cost, rootFields };
  };

  const root = schema.getRootType(operation.operation);
  return root ? selectionSet(root, operation.selectionSet) : zero;
}
