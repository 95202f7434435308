import { smallWorld } from '../support/fixtures';
import { errorCode, startTestApp, TestApp } from '../support/test-app';

/**
 * Services throw plain domain errors; the API reports them with their code, counts them under it in the metrics and
 * does not log them as unexpected — as it did when services threw GraphQL errors themselves.
 */
describe('domain errors thrown below the resolvers', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  const errorCount = async (code: string) => {
    const text = await (await fetch(`${app.url}/metrics`)).text();
    return Number(new RegExp(`graphql_errors_total\\{code="${code}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it.each([
    ['FORBIDDEN: the archive without the ARCHIVE right', '{ archive { totalCount } }', {}, 'FORBIDDEN', 'The archive needs the ARCHIVE right in one of your partners.'],
    ['BAD_USER_INPUT: a cursor not made by the list', 'query($after: String) { clients(after: $after) { totalCount } }', { after: '!!' }, 'BAD_USER_INPUT', 'after is not a cursor from this list.'],
    ['NOT_FOUND: the preview of a client that does not exist', 'query($id: ID!) { endCustomerRelationshipPreview(clientId: $id) { earliestGenerationDate } }', { id: 'Q2xpZW50OmMtbm9uZQ' }, 'NOT_FOUND', 'No such client.'],
  ])('%s', async (_what, query, variables, code, message) => {
    const [before, internalBefore] = [await errorCount(code), await errorCount('INTERNAL_SERVER_ERROR')];
    const res = await app.gql(query, variables, 'u-per');
    expect(res.status).toBe(200);
    expect(errorCode(res)).toBe(code);
    expect(res.body.errors![0].message).toBe(message);
    expect(await errorCount(code)).toBe(before + 1);
    expect(await errorCount('INTERNAL_SERVER_ERROR')).toBe(internalBefore);
  });
});
