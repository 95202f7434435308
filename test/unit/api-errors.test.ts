import { graphql, GraphQLError, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { BadInputError, DomainError, ForbiddenError, NotFoundError, refusalAsError } from '../../src/common/domain-errors';
import { decodeCursor, encodeCursor } from '../../src/common/pages';
import { refusal, UserErrorCode } from '../../src/common/refusals';
import { asApiError, graphqlErrorOf } from '../../src/graphql/api-errors';
import { formatError } from '../../src/graphql/format-error';
import { UnknownClientError } from '../../src/ledger/ledger.service';

/** Plain errors inside, GraphQL at the edge: one mapping from the product's domain errors to GraphQL errors. */
describe('domain errors as GraphQL errors', () => {
  it.each([
    ['NotFoundError', new NotFoundError('No such client.'), 'NOT_FOUND', {}],
    ['ForbiddenError', new ForbiddenError('The archive needs the ARCHIVE right in one of your partners.'), 'FORBIDDEN', {}],
    ['BadInputError with details', new BadInputError('after is not a cursor from this list.', { argument: 'after' }), 'BAD_USER_INPUT', { argument: 'after' }],
    ['a subclass (UnknownClientError)', new UnknownClientError('c-none'), 'NOT_FOUND', {}],
  ])('%s keeps its message and gets its code in extensions.code, details beside it, no HTTP status', (_, error, code, details) => {
    const mapped = graphqlErrorOf(error) as GraphQLError;
    expect(mapped).toBeInstanceOf(GraphQLError);
    expect(mapped.message).toBe(error.message);
    expect(mapped.extensions).toEqual({ code, ...details });
  });

  it('leaves any other error of an operation as it is: a programming error, a DomainError without a code, a GraphQL error of its own', () => {
    for (const original of [new TypeError('x is undefined'), new DomainError('generation is not available'), undefined]) {
      const error = new GraphQLError(original?.message ?? 'first must be between 1 and 100.', { originalError: original, extensions: original ? {} : { code: 'BAD_USER_INPUT' } });
      expect(asApiError(error)).toBe(error);
    }
  });

  it.each([
    [UserErrorCode.NOT_FOUND, NotFoundError, {}],
    [UserErrorCode.FORBIDDEN, ForbiddenError, {}],
    [UserErrorCode.NOT_LINKED_TO_PARTNER, BadInputError, { reason: 'NOT_LINKED_TO_PARTNER' }],
    [UserErrorCode.ALREADY_ENDED, BadInputError, { reason: 'ALREADY_ENDED' }],
  ])('a refusal %s becomes a top-level %p for a query that cannot return userErrors', (code, type, details) => {
    const error = refusalAsError(refusal(code, 'Why.', ['input', 'clientId']));
    expect(error).toBeInstanceOf(type);
    expect(error.message).toBe('Why.');
    expect(error.details).toEqual(details);
  });

  it('a cursor not made by us is bad input naming the argument; one made by us reads back', () => {
    expect(decodeCursor(encodeCursor(['Fjord Bakeri AS', 'c-fjord']), ['string', 'string'])).toEqual(['Fjord Bakeri AS', 'c-fjord']);
    for (const [cursor, shape] of [['!!', ['string']], [encodeCursor(['a']), ['string', 'string']], [encodeCursor([1]), ['string']]] as const) {
      let thrown: unknown;
      try {
        decodeCursor(cursor, [...shape]);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(BadInputError);
      expect((thrown as BadInputError).details).toEqual({ argument: 'after' });
    }
  });
});

describe('an error of an operation as the client sees it', () => {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        plain: { type: GraphQLString, resolve: () => 'as it is' },
        thrown: {
          type: GraphQLString,
          resolve: () => {
            throw new ForbiddenError('Needs ARCHIVE.');
          },
        },
        rejected: { type: GraphQLString, resolve: async () => Promise.reject(new BadInputError('Bad cursor.', { argument: 'after' })) },
        broken: {
          type: GraphQLString,
          resolve: () => {
            throw new TypeError('x is undefined');
          },
        },
      },
    }),
  });

  const errorsOf = async () => {
    const result = await graphql({ schema, source: '{ plain thrown rejected broken }' });
    expect(result.data).toEqual({ plain: 'as it is', thrown: null, rejected: null, broken: null });
    return new Map(result.errors!.map((e) => [e.path![0], e]));
  };

  it('a domain error thrown or rejected by a resolver gets its code at its place; any other error stays as it is', async () => {
    const errors = await errorsOf();
    const seen = (field: string) => {
      const e = asApiError(errors.get(field)!);
      return { message: e.message, path: e.path, extensions: e.extensions };
    };
    expect(seen('thrown')).toEqual({ message: 'Needs ARCHIVE.', path: ['thrown'], extensions: { code: 'FORBIDDEN' } });
    expect(seen('rejected')).toEqual({ message: 'Bad cursor.', path: ['rejected'], extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
    expect(asApiError(errors.get('broken')!)).toBe(errors.get('broken'));
  });

  it('the formatter gives the client the domain code and message, and hides anything else as INTERNAL_SERVER_ERROR', async () => {
    const errors = await errorsOf();
    // What Apollo hands the formatter: the error as JSON, with INTERNAL_SERVER_ERROR where it found no code.
    const format = (field: string) => {
      const error = errors.get(field)!;
      return formatError({ hideSuggestions: true })({ ...error.toJSON(), extensions: { code: 'INTERNAL_SERVER_ERROR', ...error.extensions } }, error);
    };
    expect(format('thrown')).toMatchObject({ message: 'Needs ARCHIVE.', path: ['thrown'], extensions: { code: 'FORBIDDEN' } });
    expect(format('rejected')).toMatchObject({ message: 'Bad cursor.', extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
    expect(format('broken')).toEqual({ message: 'Internal server error', locations: [{ line: 1, column: 25 }], path: ['broken'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
