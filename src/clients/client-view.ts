import { ARCHIVE_STATUSES, ClientView } from '../access/visibility.service';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';
import type { Client } from './client.entity';

const REACHED_THROUGH = Symbol('reachedThrough');

type Reached = Client & { [REACHED_THROUGH]?: CustomerRelationship };

/**
 * The client as reached through one of its relationships (an archive row, a relationship's `client`): seen through
 * the archive, it shows that ending's name and organization number (A6). A copy, so the request's cached row stays
 * as it is.
 */
export function reachedThrough(client: Client, relationship: CustomerRelationship): Client {
  return Object.assign(Object.create(Object.getPrototypeOf(client) as object) as Client, client, { [REACHED_THROUGH]: relationship });
}

/**
 * A6: the client's name and organization number as they were when the relationship the viewer sees it through ended:
 * the relationship it was reached through, else the viewer's partners' latest ending. The values of today only for a
 * relationship ended before the snapshot existed and never back-filled.
 */
export function asItWas(client: Client, view: Extract<ClientView, { kind: 'archive' }>): { name: string; organizationNumber: string } {
  const through = (client as Reached)[REACHED_THROUGH];
  const ended = view.relationships.filter((r) => r.clientName !== null && r.clientOrganizationNumber !== null);
  const owner =
    (through && ended.find((r) => r.id === through.id)) ?? ended.find((r) => ARCHIVE_STATUSES.includes(r.status)) ?? ended[0];
  return owner ? { name: owner.clientName!, organizationNumber: owner.clientOrganizationNumber! } : { name: client.name, organizationNumber: client.organizationNumber };
}
