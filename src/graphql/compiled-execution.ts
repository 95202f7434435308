import type { ApolloServerOptionsWithGateway } from '@apollo/server';
import { DocumentNode, execute, ExecutionResult, getVariableValues, GraphQLError, GraphQLSchema, OperationDefinitionNode, printSchema } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { RequestContext } from './context';

type Gateway = ApolloServerOptionsWithGateway<RequestContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/**
 * Executes operations with graphql-jit instead of graphql-js: the document is compiled once into a function that
 * resolves exactly its selection, so a page of clients no longer pays graphql-js's generic walk per field (graphql-js was
 * the largest share of a page's CPU in the profile). Apollo still parses, validates, runs the plugins (limits, scopes, observability) and
 * formats errors; only execution changes, through Apollo's executor hook (the `gateway` option).
 *
 * What stays graphql-js's, so that responses are the same:
 * - Variables are coerced by graphql-js first; when they do not fit, its errors are the response (Apollo turns them into
 *   BAD_USER_INPUT with HTTP 400 as before), and nothing runs.
 * - A document graphql-jit cannot compile runs with graphql-js; so does introspection (rare, and the explorer's).
 *
 * Compiled plans live as long as Apollo's parsed-document cache keeps the document (a WeakMap on the document: Apollo
 * hands out the same parsed document for the same query text), so their number is bounded by that cache.
 */
export class CompiledExecution {
  /** A document's compiled operations by operation name ('' for the only one); null: runs with graphql-js. */
  private readonly plans = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** Apollo's gateway shape around `execute`: this schema, this executor, nothing to stop. */
  gateway(): Gateway {
    const { schema } = this;
    const executor: Executor = (requestContext) =>
      this.execute(requestContext.document, requestContext.operation, requestContext.request.operationName ?? null, requestContext.request.variables ?? {}, requestContext.context);
    return {
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
        return () => undefined;
      },
      load: async () => ({ executor }),
      stop: async () => undefined,
    };
  }

  async execute(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null, variables: Record<string, unknown>, contextValue: unknown): Promise<ExecutionResult> {
    const plan = this.planOf(document, operation, operationName);
    if (!plan) return execute({ schema: this.schema, document, operationName, variableValues: variables, contextValue });
    if (operation.variableDefinitions?.length) {
      const coerced = getVariableValues(this.schema, operation.variableDefinitions, variables, { maxErrors: 50 });
      if (coerced.errors) return { errors: coerced.errors };
    }
    const result = await plan.query(undefined, contextValue, variables);
    return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
  }

  /** The compiled operation, or null when it runs with graphql-js. */
  private planOf(document: DocumentNode, operation: OperationDefinitionNode, operationName: string | null): CompiledQuery | null {
    let plans = this.plans.get(document);
    if (!plans) {
      plans = new Map();
      this.plans.set(document, plans);
    }
    const key = operationName ?? '';
    let compiled = plans.get(key);
    if (compiled === undefined) {
      compiled = isIntrospection(operation) ? null : this.compile(document, operationName);
      plans.set(key, compiled);
    }
    return compiled;
  }

  private compile(document: DocumentNode, operationName: string | null): CompiledQuery | null {
    try {
      const compiled = compileQuery(this.schema, document, operationName ?? undefined, { disablingCapturingStackErrors: true });
      return isCompiledQuery(compiled) ? compiled : null;
    } catch {
      return null;
    }
  }
}

/** An operation that asks for the schema itself (`__schema` or `__type` at its root). */
function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((selection) => selection.kind === 'Field' && (selection.name.value === '__schema' || selection.name.value === '__type'));
}

/**
 * graphql-jit's errors in graphql-js's shape. Its own error type leaves `extensions` undefined when the thrown error has
 * none (graphql-js gives an empty object, and Apollo's formatting relies on one), and keeps locations without the
 * nodes they came from: the same message, path, original error, extensions and locations, as graphql-js would report.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const converted = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  (converted as { locations: GraphQLError['locations'] }).locations = error.locations;
  return converted;
}
