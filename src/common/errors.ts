import { GraphQLError } from 'graphql';

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
export const forbidden = (message: string) => apiError('FORBIDDEN', message);
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
