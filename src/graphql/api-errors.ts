import { GraphQLError } from 'graphql';
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
 * the error's details beside it, no HTTP status (the response stays 200, as for any error in a field).
 */
export function graphqlErrorOf(error: CodedDomainError): GraphQLError {
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

/**
 * An error of an operation as the client sees it. graphql-js wraps what a resolver (or a service below it) throws in a
 * GraphQLError that keeps it as `originalError`; a domain error becomes the GraphQL error `graphqlErrorOf` makes of
 * it, at the same place in the response. Any other error is returned as it is — Apollo reports it as
 * INTERNAL_SERVER_ERROR with the details hidden (`format-error.ts`). Read by the error formatter and by the
 * metrics plugin, which counts errors by code before they are formatted. Mapping there costs the fields that succeed
 * nothing (wrapping every field's resolver would cost a page of clients a promise per field).
 */
export function asApiError(error: GraphQLError): GraphQLError {
  if (!(error.originalError instanceof CodedDomainError)) return error;
  const mapped = graphqlErrorOf(error.originalError);
  return new GraphQLError(mapped.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: mapped.extensions,
  });
}
