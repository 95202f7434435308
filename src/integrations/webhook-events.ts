import { EntityManager, IsNull } from 'typeorm';
import { selectEntities, type Statement } from '../db/statements';
import type { Client } from '../clients/client.entity';
import type { Clock } from '../common/clock';
import { toGlobalId } from '../common/global-id';
import type { UnitOfWork } from '../db/unit-of-work';
import type { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { WebhookDelivery, WebhookDeliveryState, WebhookEndpoint, WebhookEvent, WebhookEventType } from './integration.entities';

/** Puts deliveries on the queue after the transaction that wrote them has committed; the sweeper repairs what it misses. */
export interface WebhookTrigger {
  deliver(deliveryIds: string[]): Promise<void>;
}

/** For processes that run no queue (the CLI): the worker's sweeper picks the rows up. */
export const noWebhookTrigger: WebhookTrigger = { deliver: async () => undefined };

export type WebhookData = Record<string, string | number | boolean | null | string[]>;

/**
 * Webhook events as rows in the transaction that causes them (the outbox, as for tasks: DESIGN S1, S2): one event row
 * with its JSON body fixed, one PENDING delivery per endpoint of the partner that asked for the type, and the
 * deliveries queued after commit. A rolled-back change sends nothing; a lost job is re-queued by the sweeper.
 */
export class WebhookEvents {
  constructor(
    private readonly clock: Clock,
    private readonly trigger: WebhookTrigger,
  ) {}

  /**
   * The endpoints `record` would read for the partner the client is linked to, as a statement of the caller's batch
   * (read with the client's lock held, before the change unlinks it).
   */
  endpointsOfClientPartner(manager: EntityManager, clientId: string): Statement<WebhookEndpoint[]> {
    return selectEntities(manager, WebhookEndpoint, 'JOIN clients c ON c.partner_id = t.partner_id WHERE c.id = ? AND t.deleted_at IS NULL AND t.disabled_at IS NULL ORDER BY t.id ASC', [clientId]);
  }

  /**
   * Records an event for the partner's endpoints; returns the deliveries written (none when no endpoint wants it).
   * `endpoints`: the partner's live endpoints when the caller has read them already (`endpointsOfClientPartner`).
   */
  async record(uow: UnitOfWork, partnerId: string, type: WebhookEventType, data: WebhookData, endpoints?: WebhookEndpoint[]): Promise<string[]> {
    endpoints ??= await uow.repo(WebhookEndpoint).find({ where: { partnerId, deletedAt: IsNull(), disabledAt: IsNull() }, order: { id: 'ASC' } });
    const wanted = endpoints.filter((e) => e.events.includes(type));
    if (wanted.length === 0) return [];
    const now = this.clock.now();
    // `timestamp` and the relationship's status at this instant let receivers order events (ordering is not promised).
    const body = JSON.stringify({ type, timestamp: now.toISOString(), data });
    const event = await uow.repo(WebhookEvent).createQueryBuilder().insert().values({ partnerId, type, body, createdAt: now }).updateEntity(false).execute();
    const eventId = String(event.raw.insertId);
    const ids: string[] = [];
    // One insert per endpoint (a partner has a few): each gets its own id, whatever the server's auto-increment mode.
    for (const endpoint of wanted) {
      const values = { eventId, endpointId: endpoint.id, state: WebhookDeliveryState.PENDING, attempts: 0, nextAttemptAt: now, lastStatusCode: null, lastError: null, createdAt: now, deliveredAt: null };
      const inserted = await uow.repo(WebhookDelivery).createQueryBuilder().insert().values(values).updateEntity(false).execute();
      ids.push(String(inserted.raw.insertId));
    }
    uow.onCommit(() => this.trigger.deliver(ids));
    return ids;
  }

  /** An event about a relationship: its ids, the client's organization number and name, its status and dates now. */
  relationship(uow: UnitOfWork, type: WebhookEventType, relationship: CustomerRelationship, client?: Pick<Client, 'name' | 'organizationNumber'> | null, endpoints?: WebhookEndpoint[]): Promise<string[]> {
    return this.record(uow, relationship.partnerId, type, relationshipData(relationship, client), endpoints);
  }
}

export function relationshipData(relationship: CustomerRelationship, client?: Pick<Client, 'name' | 'organizationNumber'> | null): WebhookData {
  return {
    relationshipId: toGlobalId('CustomerRelationship', relationship.id),
    clientId: toGlobalId('Client', relationship.clientId),
    organizationNumber: relationship.clientOrganizationNumber ?? client?.organizationNumber ?? null,
    clientName: relationship.clientName ?? client?.name ?? null,
    status: relationship.status,
    responsibilityFrom: relationship.responsibilityFrom,
    responsibilityTo: relationship.responsibilityTo,
    generationDate: relationship.generationDate,
  };
}
