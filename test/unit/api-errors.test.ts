import { graphql, GraphQLError, GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, GraphQLString } from 'graphql';
import { BadInputError, DomainError, ForbiddenError, NotFoundError, refusalAsError } from '../../src/common/domain-errors';
import { decodeCursor, encodeCursor } from '../../src/common/pages';
import { refusal, UserErrorCode } from '../../src/common/refusals';
import { graphqlErrorOf, withDomainErrorsMapped } from '../../src/graphql/api-errors';
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

  it('leaves anything else as it is: a programming error, a DomainError without a code, a GraphQLError', () => {
    for (const error of [new TypeError('x is undefined'), new DomainError('generation is not available'), new GraphQLError('already mapped'), 'a string']) {
      expect(graphqlErrorOf(error)).toBe(error);
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

describe('every field of the schema reports domain errors with their code', () => {
  const schema = withDomainErrorsMapped(
    new GraphQLSchema({
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
    }),
  );

  it('a thrown or rejected domain error arrives with its code; any other error without one', async () => {
    const result = await graphql({ schema, source: '{ plain thrown rejected broken }' });
    expect(result.data).toEqual({ plain: 'as it is', thrown: null, rejected: null, broken: null });
    const byField = Object.fromEntries(result.errors!.map((e) => [e.path![0], { message: e.message, extensions: e.extensions }]));
    expect(byField).toEqual({
      thrown: { message: 'Needs ARCHIVE.', extensions: { code: 'FORBIDDEN' } },
      rejected: { message: 'Bad cursor.', extensions: { code: 'BAD_USER_INPUT', argument: 'after' } },
      broken: { message: 'x is undefined', extensions: {} },
    });
  });

  it('a value returned at once stays a value, not a promise', () => {
    const resolve = schema.getQueryType()!.getFields().plain.resolve!;
    expect(resolve(undefined, {}, undefined, {} as GraphQLResolveInfo)).toBe('as it is');
  });
});
