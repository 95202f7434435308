import type { ApolloServerPlugin } from '@apollo/server';
import { getNullableType, GraphQLError, GraphQLSchema, isListType, Kind, ValidationContext, ASTVisitor, FragmentDefinitionNode, SelectionSetNode } from 'graphql';
import { getComplexity, simpleEstimator, ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from './connection';

/** The deepest selection a request may make. */
export const MAX_DEPTH = 12;
/** The most work one request may ask for, in fields counted per item (`first` multiplies a connection's items). */
export const MAX_COMPLEXITY = 20_000;

/** A validation rule refusing operations nested deeper than `max`. */
export function depthLimit(max: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const selection of set.selections) {
        if (selection.kind === Kind.FIELD) deepest = Math.max(deepest, selection.selectionSet ? 1 + depthOf(selection.selectionSet, seen) : 1);
        else if (selection.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(selection.selectionSet, seen));
        else {
          const name = selection.name.value;
          if (seen.has(name)) continue;
          deepest = Math.max(deepest, depthOf(fragments.get(name)?.selectionSet, new Set([...seen, name])));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, new Set());
        if (depth > max) {
          context.reportError(new GraphQLError(`The operation is nested ${depth} levels deep; at most ${max} are allowed.`, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
        }
      },
    };
  };
}

/** What a list without paging is assumed to hold, for the estimate (a client's users, extensions, ...). */
const ASSUMED_LIST_LENGTH = 10;

/** Connections cost `first` (default 50) times one item; other lists ASSUMED_LIST_LENGTH times one item. */
const listEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (type.name.endsWith('Connection')) return undefined; // its edges: `first` already counted them
  if (typeof args.first === 'number') return 1 + childComplexity * Math.max(1, args.first);
  if (field.args.some((arg) => arg.name === 'first')) return 1 + childComplexity * DEFAULT_PAGE_SIZE;
  if (isListType(getNullableType(field.type))) return 1 + childComplexity * ASSUMED_LIST_LENGTH;
  return undefined;
};

/** Refuses an operation whose estimated cost exceeds `max`, before anything runs. */
export function complexityLimit(schema: GraphQLSchema, max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [listEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > max) {
            throw new GraphQLError(`The operation would cost ${complexity}; at most ${max} is allowed. Ask for smaller pages or fewer fields.`, {
              extensions: { code: 'BAD_USER_INPUT', complexity, maxComplexity: max },
            });
          }
        },
      };
    },
  };
}
