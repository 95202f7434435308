import { InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

/**
 * An Apollo Client cache for Klient Admin. Every object that has an identity has an `id` (a global id, unique across
 * types), so the default normalization (`__typename:id`) works everywhere; the policies below cover the rest:
 * connections merge their pages, and the few objects without an id are kept inside their parent.
 */
export function klientAdminCache(): InMemoryCache {
  return new InMemoryCache({
    // The types behind the Node interface, for fragments `... on Client` and for `node(id:)` / `nodes(ids:)`.
    possibleTypes: {
      Node: ['ArchiveDocument', 'AuditEvent', 'Client', 'ClientExtension', 'ClientUser', 'CustomerRelationship', 'Notification', 'Partner', 'ScheduledTask', 'User'],
    },
    typePolicies: {
      Query: {
        fields: {
          // One list per filter (tab, search, partner); pages fetched with fetchMore are merged by cursor.
          clients: relayStylePagination(['filter']),
          archive: relayStylePagination(['filter']),
        },
      },
      Client: {
        fields: {
          auditEvents: relayStylePagination(),
        },
      },
      // The viewer is one object per session.
      Viewer: { keyFields: [] },
      // No identity of their own: stored inside the object that holds them.
      PartnerMembership: { keyFields: false },
      EndCustomerRelationshipPreview: { keyFields: false },
      Warning: { keyFields: false },
      UserError: { keyFields: false },
    },
  });
}

/**
 * After an ending the client leaves the partner's active list and appears in its archive. Evicting the client removes
 * it from every cached page of `clients` (Apollo drops edges whose node is gone) without a refetch; evicting the
 * `archive` lists makes the next archive query ask the server.
 */
export function evictEndedClient(cache: InMemoryCache, clientId: string): void {
  cache.evict({ id: cache.identify({ __typename: 'Client', id: clientId }) });
  cache.evict({ id: 'ROOT_QUERY', fieldName: 'archive' });
  cache.gc();
}
