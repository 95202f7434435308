import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { asApiError, PUBLIC_ERROR_CODES } from './api-errors';
import { QUERY_TOO_COMPLEX } from './limits';

/** The longest message an error carries back; anything longer was built from the caller's own input. */
const MAX_MESSAGE_LENGTH = 500;

/** graphql-js names close matches of an unknown name ("Did you mean ...?"), which tells a stranger the schema. */
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/** graphql-js's words when parsing stopped at the token limit ("more that N tokens", sic). */
const TOKEN_LIMIT = /Document contains more th\w+ (\d+) tokens/;

/** graphql-js prints the refused value into a variable's error; the value is the caller's own, and can be huge. */
const VARIABLE_VALUE = /^(Variable "\$[_A-Za-z][_0-9A-Za-z]*") got invalid value /;

export interface ErrorFormatOptions {
  /** Hide "Did you mean" suggestions (when the schema is not public: introspection off). */
  hideSuggestions: boolean;
}

function bounded(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message;
}

/**
 * `Variable "$input" got invalid value <the value> at "input.key"; <reason>` → `Variable "$input" has an invalid
 * value at "input.key"; <reason>`. The reason is the original error's message when it is known; the path never
 * contains a quote, so it is found from the end.
 */
function withoutEchoedValue(message: string, original: unknown): string {
  const head = VARIABLE_VALUE.exec(message);
  if (!head) return message;
  const reason = original instanceof Error && message.endsWith(`; ${original.message}`) ? original.message : null;
  const rest = reason !== null ? message.slice(head[0].length, message.length - reason.length - 2) : message.slice(head[0].length);
  const at = / at "([^"]*)"$/.exec(rest)?.[1] ?? (reason === null ? / at "([^"]*)"; /.exec(rest)?.[1] : undefined);
  return `${head[1]} has an invalid value${at ? ` at "${at}"` : ''}${reason !== null ? `; ${bounded(reason)}` : '.'}`;
}

/** class-validator's entries carry the whole input (`target`) and the refused value (`value`): keep what is wrong. */
function withoutEchoedInput(extensions: Record<string, unknown>): Record<string, unknown> {
  const entries = extensions.validationErrors;
  if (!Array.isArray(entries)) return extensions;
  const strip = (entry: Record<string, unknown>): Record<string, unknown> => ({
    property: entry.property,
    constraints: entry.constraints,
    ...(Array.isArray(entry.children) && entry.children.length ? { children: entry.children.map(strip) } : {}),
  });
  return { ...extensions, validationErrors: entries.map(strip) };
}

/** The public code of an error: Apollo files validation errors under one code, whatever rule refused. */
function publicCodeOf(formatted: GraphQLFormattedError, error: unknown): string {
  const code = String(formatted.extensions?.code ?? '');
  const original = (error as GraphQLError | undefined)?.originalError;
  if (code === 'GRAPHQL_VALIDATION_FAILED' && original instanceof GraphQLError) {
    const inner = String(original.extensions?.code ?? '');
    // A malformed scalar written into the query text is bad input (contract); a limit keeps its own code.
    if (inner === 'BAD_USER_INPUT' || inner === QUERY_TOO_COMPLEX) return inner;
  }
  if (code === 'GRAPHQL_PARSE_FAILED' && TOKEN_LIMIT.test(formatted.message)) return QUERY_TOO_COMPLEX;
  return code;
}

/** A domain error thrown below the resolvers, formatted with the code and message `asApiError` gives it. */
function withDomainCode(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const mapped = error instanceof GraphQLError ? asApiError(error) : error;
  if (mapped === error || !(mapped instanceof GraphQLError)) return formatted;
  return { ...formatted, message: mapped.message, extensions: { ...mapped.extensions } };
}

/**
 * What every GraphQL error looks like to the client: a public code, or INTERNAL_SERVER_ERROR with details hidden; a
 * bounded message that does not repeat the caller's input; no suggestions of names when the schema is not public.
 */
export function formatError(options: ErrorFormatOptions) {
  return (apolloFormatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError => {
    const formatted = withDomainCode(apolloFormatted, error);
    const code = publicCodeOf(formatted, error);
    if (!PUBLIC_ERROR_CODES.has(code)) {
      return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    }
    const tokenLimit = TOKEN_LIMIT.exec(formatted.message)?.[1];
    let message = tokenLimit
      ? `The document exceeds the tokens limit of ${tokenLimit}.`
      : withoutEchoedValue(formatted.message, (error as GraphQLError | undefined)?.originalError);
    if (options.hideSuggestions) message = message.replace(SUGGESTION, '');
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, message: bounded(message), extensions: { ...withoutEchoedInput(extensions), code } };
  };
}
