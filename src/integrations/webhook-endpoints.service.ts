import { IsNull, LessThan, type DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import { localIdOf } from '../common/global-id';
import { decodeCursor, encodeCursor } from '../common/pages';
import { Refusal, refusal, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { PartnerRight } from '../partners/partner-membership.entity';
import type { ApiKeyService } from './api-keys.service';
import { WebhookDelivery, WebhookEndpoint, WebhookEventType } from './integration.entities';
import { newWebhookSecret, type IntegrationSecrets } from './secrets';
import { urlProblem, type UrlPolicy } from './webhook-url';

export interface CreateWebhookEndpointInput {
  partnerId: string;
  url: string;
  events: WebhookEventType[];
}

/** A partner's webhook endpoints (docs/integrations.md), managed by members with INTEGRATIONS. */
export class WebhookEndpointService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly secrets: IntegrationSecrets,
    private readonly apiKeys: ApiKeyService,
    private readonly urlPolicy: UrlPolicy,
  ) {}

  async create(uow: UnitOfWork, caller: Caller, input: CreateWebhookEndpointInput): Promise<{ endpoint: WebhookEndpoint | null; signingSecret: string | null; userErrors: Refusal[] }> {
    const found = await this.apiKeys.partnerFor(uow, caller, input.partnerId);
    if ('refusal' in found) return { endpoint: null, signingSecret: null, userErrors: [found.refusal] };
    const problem = await urlProblem(input.url, this.urlPolicy);
    if (problem) return { endpoint: null, signingSecret: null, userErrors: [refusal(UserErrorCode.INVALID_URL, problem, ['input', 'url'])] };
    const signingSecret = newWebhookSecret();
    const values = {
      partnerId: found.partner.id,
      url: input.url,
      events: [...new Set(input.events)],
      secretSealed: await this.secrets.seal(signingSecret),
      createdByUserId: caller.viewer.userId,
      createdAt: this.clock.now(),
      deletedAt: null,
      disabledAt: null,
      failingSince: null,
    };
    const inserted = await uow.repo(WebhookEndpoint).createQueryBuilder().insert().values(values).updateEntity(false).execute();
    const endpoint = Object.assign(new WebhookEndpoint(), values, { id: String(inserted.raw.insertId) });
    await this.audit.record(uow, caller.actor, {
      action: 'WEBHOOK_ENDPOINT_CREATED',
      after: { webhookEndpointId: endpoint.id, partnerId: endpoint.partnerId, url: new URL(endpoint.url).origin, events: endpoint.events },
    });
    return { endpoint, signingSecret, userErrors: [] };
  }

  /** Deletes the endpoint: nothing more is sent to it; its deliveries stay readable in the log. */
  async delete(uow: UnitOfWork, caller: Caller, endpointGlobalId: string): Promise<{ userErrors: Refusal[] }> {
    const id = localIdOf(endpointGlobalId, 'WebhookEndpoint');
    const endpoint = id ? await uow.repo(WebhookEndpoint).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :id', { id }).getOne() : null;
    if (!endpoint || endpoint.deletedAt || !caller.viewer.isMemberOf(endpoint.partnerId)) {
      return { userErrors: [refusal(UserErrorCode.NOT_FOUND, 'No such webhook endpoint.', ['input', 'endpointId'])] };
    }
    if (!caller.viewer.hasRight(endpoint.partnerId, PartnerRight.INTEGRATIONS)) {
      return { userErrors: [refusal(UserErrorCode.FORBIDDEN, 'Managing integrations needs the INTEGRATIONS right in the partner.', ['input', 'endpointId'])] };
    }
    await uow.repo(WebhookEndpoint).update({ id: endpoint.id }, { deletedAt: this.clock.now() });
    await this.audit.record(uow, caller.actor, { action: 'WEBHOOK_ENDPOINT_DELETED', after: { webhookEndpointId: endpoint.id, partnerId: endpoint.partnerId } });
    return { userErrors: [] };
  }

  /** The partner's endpoints that are not deleted, oldest first. */
  list(partnerId: string): Promise<WebhookEndpoint[]> {
    return this.dataSource.getRepository(WebhookEndpoint).find({ where: { partnerId, deletedAt: IsNull() }, order: { id: 'ASC' } });
  }

  /** A page of the endpoint's deliveries, newest first, with the event type of each. */
  async deliveries(endpointId: string, first: number, after: string | null): Promise<{ items: Array<WebhookDelivery & { eventType: WebhookEventType }>; hasNextPage: boolean; cursorOf: (d: WebhookDelivery) => string }> {
    const before = after ? String(decodeCursor(after, ['string'])[0]) : null;
    const rows = await this.dataSource.getRepository(WebhookDelivery).find({
      where: { endpointId, ...(before ? { id: LessThan(before) } : {}) },
      relations: { event: true },
      order: { id: 'DESC' },
      take: first + 1,
    });
    const items = rows.slice(0, first).map((d) => Object.assign(d, { eventType: d.event!.type }));
    return { items, hasNextPage: rows.length > first, cursorOf: (d) => encodeCursor([d.id]) };
  }
}
