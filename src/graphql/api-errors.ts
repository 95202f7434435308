import { GraphQLError, GraphQLSchema, isObjectType } from 'graphql';
import { CodedDomainError } from '../common/domain-errors';

/** Codes of top-level GraphQL errors (contract: GraphQL). */
export type TopLevelErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'QUERY_TOO_COMPLEX'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

const HTTP_STATUS: Partial<Record<TopLevelErrorCode, number>> = { UNAUTHENTICATED: 401, QUERY_TOO_COMPLEX: 400, RATE_LIMITED: 429 };

/** A top-level error the client is meant to see, with its code in `extensions.code`. */
export function apiError(code: TopLevelErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  const status = HTTP_STATUS[code];
  return new GraphQLError(message, { extensions: { code, ...extensions, ...(status ? { http: { status } } : {}) } });
}

export const unauthenticated = (message = 'A valid bearer token is required.') => apiError('UNAUTHENTICATED', message);
export const badUserInput = (message: string, extensions: Record<string, unknown> = {}) =>
  apiError('BAD_USER_INPUT', message, extensions);

/** Codes the client may see as they are; anything else is reported as INTERNAL_SERVER_ERROR with details hidden. */
export const PUBLIC_ERROR_CODES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);

/**
 * The one mapping of the product's domain errors to GraphQL (every code has its case): the code in `extensions.code`,
 * the error's details beside it. Anything else is returned as it is — Apollo reports it as INTERNAL_SERVER_ERROR with
 * the details hidden (`format-error.ts`).
 */
export function graphqlErrorOf(error: unknown): unknown {
  if (!(error instanceof CodedDomainError)) return error;
  switch (error.code) {
    case 'NOT_FOUND':
      return apiError('NOT_FOUND', error.message, { ...error.details });
    case 'FORBIDDEN':
      return apiError('FORBIDDEN', error.message, { ...error.details });
    case 'BAD_INPUT':
      return apiError('BAD_USER_INPUT', error.message, { ...error.details });
    default:
      return unmapped(error.code);
  }
}

function unmapped(code: never): never {
  throw new Error(`domain error code ${String(code)} has no GraphQL code`);
}

function rethrowForGraphQL(error: unknown): never {
  throw graphqlErrorOf(error);
}

/**
 * Makes every field of the schema report a domain error thrown by its resolver (or by a service it calls) as the
 * GraphQL error `graphqlErrorOf` makes of it, before Apollo, its plugins and the error formatter see it. A value
 * returned at once is returned as it is: the many plain fields of a page pay no promise for this.
 */
export function withDomainErrorsMapped(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      field.resolve = (source, args, context, info) => {
        try {
          const value = resolve(source, args, context, info);
          return value instanceof Promise ? value.catch(rethrowForGraphQL) : value;
        } catch (error) {
          return rethrowForGraphQL(error);
        }
      };
    }
  }
  return schema;
}
