/**
 * An example Klient Admin client with Apollo Client and the generated types: pages through the active clients, previews
 * and ends one relationship, takes the client out of the cached active list, and lists the archive.
 *
 *   KLIENTADMIN_URL=http://localhost:4000/graphql KLIENTADMIN_TOKEN=$(npm run --silent cli -- token u-kari) \
 *     node dist/examples/examples/client/main.js
 *
 * `npm test` compiles and runs it against a test server (test/examples/example-client.test.ts).
 */
import { ApolloClient, HttpLink } from '@apollo/client';
import { evictEndedClient, klientAdminCache } from './cache';
import { ActiveClientsDocument, ArchiveListDocument, EndingPreviewDocument, EndRelationshipDocument } from './generated/graphql';

async function main(): Promise<void> {
  const url = process.env.KLIENTADMIN_URL ?? 'http://localhost:4000/graphql';
  const token = process.env.KLIENTADMIN_TOKEN;
  if (!token) throw new Error('Set KLIENTADMIN_TOKEN to a bearer token (npm run cli -- token <userId>).');
  const pageSize = Number(process.env.EXAMPLE_PAGE_SIZE ?? 2);
  const cache = klientAdminCache();
  const client = new ApolloClient({ cache, link: new HttpLink({ uri: url, headers: { authorization: `Bearer ${token}` } }) });

  // Page through the active clients; relayStylePagination merges the pages into one cached list.
  const firstPage = await client.query({ query: ActiveClientsDocument, variables: { first: pageSize } });
  let pageInfo = firstPage.data!.clients.pageInfo;
  let pages = 1;
  while (pageInfo.hasNextPage) {
    // `after` is not a key argument (cache.ts): the page is merged into the one cached list, as `fetchMore` does.
    const next = await client.query({ query: ActiveClientsDocument, variables: { first: pageSize, after: pageInfo.endCursor }, fetchPolicy: 'network-only' });
    pageInfo = next.data!.clients.pageInfo;
    pages++;
  }
  const active = cache.readQuery({ query: ActiveClientsDocument, variables: { first: pageSize } })!.clients;
  const names = active.edges.map((edge) => edge.node.name);

  // Preview the ending of the first client, then end it on the earliest allowed date.
  const target = active.edges[0].node;
  const preview = (await client.query({ query: EndingPreviewDocument, variables: { clientId: target.id } })).data!.endCustomerRelationshipPreview;
  const ended = (
    await client.mutate({
      mutation: EndRelationshipDocument,
      variables: {
        input: {
          clientId: target.id,
          responsibilityFrom: '2025-01',
          responsibilityTo: preview.earliestGenerationDate.slice(0, 7),
          generationDate: preview.earliestGenerationDate,
          idempotencyKey: `example-${target.id}`,
        },
      },
    })
  ).data!.endCustomerRelationship;
  if (ended.userErrors.length > 0) throw new Error(`The ending was refused: ${ended.userErrors.map((e) => `${e.code}: ${e.message}`).join('; ')}`);

  // The client leaves the active list in the cache, with no refetch.
  evictEndedClient(cache, target.id);
  const activeAfter = cache.readQuery({ query: ActiveClientsDocument, variables: { first: pageSize } })!.clients.edges.map((edge) => edge.node.name);

  // The archive, from the server.
  const archive = (await client.query({ query: ArchiveListDocument, variables: { first: 10 } })).data!.archive;

  console.log(
    JSON.stringify({
      pages,
      activeClients: names,
      previewed: { client: preview.client.name, partner: preview.partner.partnerCode, deactivations: preview.deactivations.length },
      ended: { client: target.name, status: ended.relationship?.status, generationDate: ended.relationship?.generationDate, tasks: ended.relationship?.tasks.map((t) => t.kind) },
      activeAfterEviction: activeAfter,
      archive: archive.edges.map(({ node: r }) => ({ client: r.client.name, status: r.status, generationDate: r.generationDate })),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
