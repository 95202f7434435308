import type { ApolloServerPlugin } from '@apollo/server';
import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  ASTVisitor,
  getNullableType,
  getVariableValues,
  GraphQLError,
  GraphQLSchema,
  isListType,
  ValidationContext,
  ValidationRule,
} from 'graphql';
import { getComplexity, simpleEstimator, ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE } from './connection';

/**
 * What one request may ask for. Every limit is checked before anything runs, and each check costs time linear in the
 * document's size (fragments are measured once, not at every spread), so no document can hold the event loop.
 */
export const LIMITS = {
  /** Lexical tokens in the document; checked while parsing, so an oversized document is never validated. */
  tokens: 2_000,
  /** The deepest selection, fragments counted as if written in place. */
  depth: 12,
  /** Aliased fields in an operation, fragments included. */
  aliases: 20,
  /** Directives in an operation. */
  directives: 20,
  /** Fields at the root of an operation. */
  rootFields: 10,
  /** Fragment spreads in the document. */
  fragmentSpreads: 100,
  /** The estimated cost: fields counted per item, `first` multiplying a connection's items. */
  complexity: 20_000,
} as const;

/** The code of every refusal for size (contract: top-level error codes; served with HTTP 400). */
export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** A refusal for size, with the limit that was crossed. */
export function queryTooComplex(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: QUERY_TOO_COMPLEX, ...extensions, http: { status: 400 } } });
}

/** graphql-armor's rules report through the validation context with our code instead of throwing their own error. */
function armorRejection(limit: string, max: number) {
  return {
    propagateOnRejection: false,
    exposeLimits: true,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = /found (\d+(?:\.\d+)?)/.exec(error.message)?.[1];
        context?.reportError(
          queryTooComplex(`The operation exceeds the ${limit} limit of ${max}${found ? ` (found ${Math.round(Number(found))})` : ''}.`, {
            limit: { name: limit, max, ...(found ? { found: Math.round(Number(found)) } : {}) },
          }),
        );
      },
    ],
  };
}

/** Counts nodes of one kind in the document in one pass and reports when there are more than `max`. */
function countRule(limit: string, max: number, count: (context: ValidationContext) => ASTVisitor & { total(): number }): ValidationRule {
  return (context) => {
    const counter = count(context);
    return {
      ...counter,
      Document: {
        leave() {
          const found = counter.total();
          if (found > max) context.reportError(queryTooComplex(`The operation exceeds the ${limit} limit of ${max} (found ${found}).`, { limit: { name: limit, max, found } }));
        },
      },
    };
  };
}

const fragmentSpreadLimit = (max: number) =>
  countRule('fragment spreads', max, () => {
    let spreads = 0;
    return { FragmentSpread: () => void spreads++, total: () => spreads };
  });

const rootFieldLimit = (max: number) =>
  countRule('root fields', max, () => {
    let widest = 0;
    return {
      OperationDefinition: (node) => void (widest = Math.max(widest, node.selectionSet.selections.length)),
      total: () => widest,
    };
  });

/**
 * The validation rules of the limits. The cost rule here is graphql-armor's, with unit weights: a cheap, memoized bound
 * on how many fields the operation expands to, so that the exact estimate below (which expands fragments at every
 * spread) only ever walks a bounded document.
 */
export function limitRules(limits = LIMITS): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.depth, flattenFragments: true, ignoreIntrospection: true, ...armorRejection('depth', limits.depth) }),
    maxAliasesRule({ n: limits.aliases, ...armorRejection('aliases', limits.aliases) }),
    maxDirectivesRule({ n: limits.directives, ...armorRejection('directives', limits.directives) }),
    fragmentSpreadLimit(limits.fragmentSpreads),
    rootFieldLimit(limits.rootFields),
    costLimitRule({
      maxCost: 2 * limits.complexity,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      ignoreIntrospection: true,
      ...armorRejection('cost', limits.complexity),
    }),
  ];
}

/** What a list without paging is assumed to hold, for the estimate (a client's users, extensions, ...). */
const ASSUMED_LIST_LENGTH = 10;

/** Connections cost `first` or `last` (default 50) times one item; other lists ASSUMED_LIST_LENGTH times one item. */
const listEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (type.name.endsWith('Connection')) return undefined; // its edges: `first` already counted them
  const size = typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : null;
  if (size !== null) return 1 + childComplexity * Math.max(1, size);
  if (field.args.some((arg) => arg.name === 'first')) return 1 + childComplexity * DEFAULT_PAGE_SIZE;
  if (isListType(getNullableType(field.type))) return 1 + childComplexity * ASSUMED_LIST_LENGTH;
  return undefined;
};

/**
 * What a response cost, counted as the estimate counts: one per field in the data, per item of a list. A client sees
 * how close its estimate (`requested`, which assumes full pages) came to what it got (`actual`).
 */
export function actualCost(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let cost = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) cost += actualCost(value[i]);
    return cost;
  }
  // The data's objects are graphql-js's, without a prototype: every key is the object's own field.
  const fields = value as Record<string, unknown>;
  for (const key in fields) cost += 1 + actualCost(fields[key]);
  return cost;
}

/**
 * Refuses an operation whose estimated cost exceeds `max`, before anything runs; and tells every response what it cost,
 * as Shopify's API does: `extensions.cost { requested, actual, limit }`.
 */
export function complexityLimit(schema: GraphQLSchema, max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      // Zero when no operation was found (a document that did not parse or validate): nothing was estimated.
      let requested = 0;
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, cost: { requested, actual: actualCost(result.data), limit: max } };
        },
        async didResolveOperation({ request, document, operation }) {
          // Variables that do not fit their types are the executor's to report (BAD_USER_INPUT, HTTP 400); the
          // estimate cannot be made without them.
          if (operation && getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 1 }).errors) return;
          const complexity = getComplexity({
            schema,
            query: document,
            operationName: request.operationName ?? undefined,
            variables: request.variables ?? {},
            estimators: [listEstimator, simpleEstimator({ defaultComplexity: 1 })],
          });
          requested = complexity;
          if (complexity > max) {
            throw queryTooComplex(`The operation would cost ${complexity}; at most ${max} is allowed. Ask for smaller pages or fewer fields.`, {
              complexity,
              maxComplexity: max,
              cost: { requested: complexity, limit: max },
            });
          }
        },
      };
    },
  };
}
