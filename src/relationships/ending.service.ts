import { EntityManager, In, Not } from 'typeorm';
import { ARCHIVE_STATUSES, VisibilityService } from '../access/visibility.service';
import type { AuditService } from '../audit/audit.service';
import type { Caller } from '../auth/caller';
import type { Viewer } from '../auth/viewer';
import { accessesOf, ClientAccess } from '../clients/client-access.entity';
import { ClientExtension } from '../clients/client-extension.entity';
import { Client } from '../clients/client.entity';
import { Clock, osloMidnight, osloToday } from '../common/clock';
import { refusalAsError } from '../common/domain-errors';
import { ArchivedFiscalYear, fiscalYearsToArchive } from '../ledger/fiscal-years';
import { localIdOf } from '../common/global-id';
import { noSuchClient, Refusal, refusal, refused, UserErrorCode, Warning, WarningCode } from '../common/refusals';
import { runBatch, selectEntities, Statement, write } from '../db/statements';
import type { UnitOfWork } from '../db/unit-of-work';
import { IdempotencyLookup, IdempotencyScope, idempotencyScope, IdempotencyService } from '../idempotency/idempotency.service';
import type { ClientNotices } from '../notifications/client-notices';
import { PartnerMembership, PartnerRight } from '../partners/partner-membership.entity';
import { Partner } from '../partners/partner.entity';
import { ScheduledTask, TaskKind, TaskState } from '../tasks/scheduled-task.entity';
import type { TaskTrigger } from '../tasks/task-trigger';
import { User } from '../users/user.entity';
import { lockClientStatement } from './client-lock';
import { CustomerRelationship, relationshipsOf, RelationshipStatus } from './customer-relationship.entity';
import {
  checkGenerationDate,
  checkResponsibilityPeriod,
  derivedGroupingWarnings,
  earliestGenerationDate,
  latestGenerationDate,
  periodWarnings,
  USERS_IN_OTHER_PARTNERS,
} from './ending-rules';
import { WebhookEndpoint, WebhookEventType } from '../integrations/integration.entities';
import type { WebhookEvents } from '../integrations/webhook-events';
import { subscriptionAdminProblem, SubscriptionAdminService } from './subscription-admin.service';

export interface EndRelationshipInput {
  clientId: string;
  responsibilityFrom: string;
  responsibilityTo: string;
  generationDate: string;
  newSubscriptionAdminUserId?: string | null;
  removePartnerOwnedExtensions?: boolean | null;
  idempotencyKey?: string | null;
}

export interface EndRelationshipResult {
  relationship: CustomerRelationship | null;
  client: Client | null;
  deactivations: ClientAccess[];
  warnings: Warning[];
  userErrors: Refusal[];
}

/** What a refused ending returns besides its userErrors. */
const NO_ENDING: Omit<EndRelationshipResult, 'userErrors'> = { relationship: null, client: null, deactivations: [], warnings: [] };

/** What an ending reads in its first round trip (`readForEnding`). */
interface EndingReads {
  client: Client | null;
  relationships: CustomerRelationship[];
  accesses: ClientAccess[];
  /** Users losing access who are members of another partner too (E8). */
  otherMembers: Set<string>;
  partnerName: string | null;
  /** Names of the users losing access and of the caller, for the client's notice (S11). */
  names: Map<string, string>;
  /** The partner's extensions on the client, when the input asks to remove them (E9). */
  ownedExtensions: Array<{ id: string; key: string }>;
  /** The client's accounts whose grouping was derived (the warning of E8's kind). */
  derivedGroupings: string[];
  /** The partner's webhook endpoints, for the event of the ending. */
  webhookEndpoints: WebhookEndpoint[] | undefined;
  found: IdempotencyLookup<StoredEnding> | undefined;
}

/** What an idempotency record keeps to rebuild the first result (E10). */
interface StoredEnding {
  relationshipId: string;
  clientId: string;
  deactivationIds: string[];
  warnings: Warning[];
}

/** An ending the preview is asked to check, without the client (E13): the fields of `EndRelationshipInput`. */
export type EndingProposal = Omit<EndRelationshipInput, 'clientId' | 'idempotencyKey'>;

/** What a proposed ending would get: its refusals, its warnings and the fiscal years it would generate (E13). */
export interface ProposalCheck {
  userErrors: Refusal[];
  warnings: Warning[];
  fiscalYears: ArchivedFiscalYear[];
}

/** The result of a batch ending: one result per item, in order, or why none was tried (E15). */
export interface BatchEndingResult {
  results: EndRelationshipResult[];
  userErrors: Refusal[];
}

/** At most this many items in one batch ending or batch preview (E15). */
export const MAX_BATCH_ITEMS = 100;

/** How many items of a batch ending run at once: each takes a connection and locks only its own client (E11). */
const BATCH_CONCURRENCY = 4;

/** One client of a batch preview: its preview, or why there is none (E13, E15). */
export interface EndingPreviewItem {
  clientId: string;
  preview: EndingPreview | null;
  userErrors: Refusal[];
}

export interface EndingPreview {
  client: Client;
  partner: Partner;
  partnerPeriodStart: string | null;
  earliestGenerationDate: string;
  latestGenerationDate: string;
  deactivations: ClientAccess[];
  usersInOtherPartners: ClientAccess[];
  subscriptionAdminIsPartnerUser: boolean;
  subscriptionAdminCandidates: User[];
  partnerOwnedExtensions: ClientExtension[];
  warnings: Warning[];
  /** The check of the proposed ending, when one was given. */
  proposal: ProposalCheck | null;
}

/** The client's accounts whose SAF-T grouping was derived, not given (from the ledger), read through `manager`. */
export type DerivedGroupingLookup = (clientId: string) => Statement<string[]>;

/** The tasks an ending schedules for its generation date (S1). */
export const ENDING_TASKS = [TaskKind.GENERATE_MANDATORY_DATA, TaskKind.APPLY_DEACTIVATIONS];

/**
 * Ending a customer relationship (DESIGN E1–E5, E9–E11, E13): the preview, and the ending itself in the caller's
 * transaction.
 */
export class EndingService {
  constructor(
    private readonly clock: Clock,
    private readonly visibility: VisibilityService,
    private readonly audit: AuditService,
    private readonly idempotency: IdempotencyService,
    private readonly subscriptionAdmin: SubscriptionAdminService,
    private readonly taskTrigger: TaskTrigger,
    private readonly derivedGroupings: DerivedGroupingLookup,
    private readonly notices: ClientNotices,
    private readonly webhookEvents?: WebhookEvents,
  ) {}

  /**
   * E1 and A2 in one place: null when the viewer may end the client's relationship now, otherwise why not. A member
   * of a partner whose relationship with the client has already ended is told so (E11), whoever was first.
   */
  private async refusalToEnd(manager: EntityManager, viewer: Viewer, client: Client, relationships: CustomerRelationship[], today: string): Promise<Refusal | null> {
    if (client.partnerId && viewer.hasRight(client.partnerId, PartnerRight.CLIENT_ADMIN)) return null;
    const endedByMine = relationships.find((r) => ARCHIVE_STATUSES.includes(r.status) && r.partnerId !== client.partnerId && viewer.isMemberOf(r.partnerId));
    if (endedByMine) return refusal(UserErrorCode.ALREADY_ENDED, 'The relationship has already been ended.');
    const denied = await this.visibility.refusal(manager, viewer, client, today, 'Ending the relationship needs the CLIENT_ADMIN right in the linked partner.');
    // A client the viewer sees but that has no partner: there is nothing to end.
    if (denied.code === UserErrorCode.FORBIDDEN && !client.partnerId) return refusal(UserErrorCode.NOT_LINKED_TO_PARTNER, 'The client is not linked to a partner.');
    return denied;
  }

  /**
   * E13: what ending would do, changing nothing, read through `manager` (no transaction: nothing is written). Refusals
   * are top-level errors (the contract's result is non-null). With a proposed ending, also what that ending would get.
   */
  async preview(manager: EntityManager, viewer: Viewer, clientGlobalId: string, proposal?: EndingProposal | null): Promise<EndingPreview> {
    const found = await this.previewOrRefusal(manager, viewer, clientGlobalId, osloToday(this.clock), proposal ?? null);
    if ('code' in found) throw refusalAsError(found);
    return found;
  }

  /**
   * E13, E15: the previews of 1..100 clients, each with its own refusal (NOT_FOUND, FORBIDDEN, ...), in the order
   * asked, so one page can confirm a batch ending.
   */
  async previews(manager: EntityManager, viewer: Viewer, clientGlobalIds: string[]): Promise<EndingPreviewItem[]> {
    const today = osloToday(this.clock);
    const items: EndingPreviewItem[] = [];
    for (const [index, clientId] of clientGlobalIds.entries()) {
      const found = await this.previewOrRefusal(manager, viewer, clientId, today, null);
      if ('code' in found) items.push({ clientId, preview: null, userErrors: [{ ...found, field: ['clientIds', String(index)] }] });
      else items.push({ clientId, preview: found, userErrors: [] });
    }
    return items;
  }

  private async previewOrRefusal(manager: EntityManager, viewer: Viewer, clientGlobalId: string, today: string, proposal: EndingProposal | null): Promise<EndingPreview | Refusal> {
    const clientId = localIdOf(clientGlobalId, 'Client');
    const client = clientId ? await manager.getRepository(Client).findOneBy({ id: clientId }) : null;
    if (!client) return noSuchClient();
    const [relationships, accesses] = await Promise.all([relationshipsOf(manager, client.id), accessesOf(manager, client.id)]);
    const refusedToEnd = await this.refusalToEnd(manager, viewer, client, relationships, today);
    if (refusedToEnd) return refusedToEnd;
    const partnerId = client.partnerId!;

    const deactivations = accesses.filter((a) => a.viaPartnerId === partnerId && !a.deactivatedAt);
    const [partner, otherMembers, extensions, derived] = await Promise.all([
      manager.getRepository(Partner).findOneByOrFail({ id: partnerId }),
      this.membersOfOtherPartners(manager, deactivations.map((a) => a.userId), partnerId),
      manager.getRepository(ClientExtension).find({ where: { clientId: client.id, ownerPartnerId: partnerId }, order: { key: 'ASC' } }),
      runBatch(manager, this.derivedGroupings(client.id)).then(([ids]) => ids),
    ]);
    const holder = accesses.find((a) => a.userId === client.subscriptionAdminUserId);
    const candidateIds = accesses.filter((a) => subscriptionAdminProblem(a, client, today, partnerId) === null).map((a) => a.userId);
    const candidates = candidateIds.length ? await manager.getRepository(User).find({ where: { id: In(candidateIds) }, order: { name: 'ASC', id: 'ASC' } }) : [];
    const active = relationships.find((r) => r.status === RelationshipStatus.ACTIVE && r.partnerId === partnerId);
    const partnerPeriodStart = active?.partnerPeriodStart ?? client.partnerSince;
    let checked: ProposalCheck | null = null;
    if (proposal) {
      // The same checks and warnings the ending would give, with the fields named as the proposal's.
      const { errors } = this.checkInput(client, accesses, proposal, today, partnerId);
      const holderLeaves = holder !== undefined && deactivations.some((a) => a.id === holder.id);
      checked = {
        userErrors: errors.map((e) => ({ ...e, field: e.field && ['proposal', ...e.field.slice(1)] })),
        warnings: errors.length > 0 ? [] : this.endingWarnings(proposal, partnerPeriodStart, today, otherMembers.size, derived, holderLeaves),
        fiscalYears:
          errors.length > 0 ? [] : fiscalYearsToArchive(proposal.responsibilityFrom, proposal.responsibilityTo, client.fiscalYearStartMonth, proposal.generationDate),
      };
    }
    return {
      client,
      partner,
      partnerPeriodStart,
      earliestGenerationDate: earliestGenerationDate(today),
      latestGenerationDate: latestGenerationDate(today),
      deactivations,
      usersInOtherPartners: deactivations.filter((a) => otherMembers.has(a.userId)),
      subscriptionAdminIsPartnerUser: holder?.viaPartnerId === partnerId,
      subscriptionAdminCandidates: candidates,
      partnerOwnedExtensions: extensions,
      warnings: derivedGroupingWarnings(derived),
      proposal: checked,
    };
  }

  /** E2, E3, E5: the field errors of an ending's input, all together, and the access that would take the role. */
  private checkInput(client: Client, accesses: ClientAccess[], input: EndingProposal, today: string, partnerId: string): { errors: Refusal[]; nextHolder?: ClientAccess } {
    const errors = [
      ...checkResponsibilityPeriod(input.responsibilityFrom, input.responsibilityTo, input.generationDate),
      ...checkGenerationDate(input.generationDate, today),
    ];
    let nextHolder: ClientAccess | undefined;
    if (input.newSubscriptionAdminUserId != null) {
      const field = ['input', 'newSubscriptionAdminUserId'];
      const holder = accesses.find((a) => a.userId === client.subscriptionAdminUserId);
      const userId = localIdOf(input.newSubscriptionAdminUserId, 'User');
      nextHolder = accesses.find((a) => a.userId === userId);
      const problem =
        holder?.viaPartnerId !== partnerId
          ? "The subscription administrator is not one of the partner's users; the role stays where it is."
          : subscriptionAdminProblem(nextHolder, client, today, partnerId);
      if (problem) errors.push(refusal(UserErrorCode.INVALID_SUBSCRIPTION_ADMIN, problem, field));
    }
    return { errors, nextHolder };
  }

  /** E2, E8, E16 and the books: the warnings an accepted ending gets. */
  private endingWarnings(input: EndingProposal, partnerPeriodStart: string | null, today: string, usersInOtherPartners: number, derived: string[], holderLeaves: boolean): Warning[] {
    const warnings = periodWarnings(input.responsibilityFrom, input.responsibilityTo, partnerPeriodStart, today);
    if (usersInOtherPartners > 0) {
      warnings.push({
        code: USERS_IN_OTHER_PARTNERS,
        message: `${usersInOtherPartners} of the users losing access are members of another partner; their access ends on this client only.`,
      });
    }
    if (holderLeaves && input.newSubscriptionAdminUserId == null) {
      // E16: the role is not handed over with the ending; say what that means.
      warnings.push({
        code: WarningCode.SUBSCRIPTION_ADMIN_LEAVING,
        message:
          "The subscription administrator is one of the partner's users losing access, and no new one was named. The role stays with that user: from the generation date their access is kept for the role alone, and the client's notices go to them, until the role is handed over (from the archive before the generation date, or by the client's administrators).",
      });
    }
    warnings.push(...derivedGroupingWarnings(derived));
    return warnings;
  }

  /** E8: which of these users are members of a partner other than the ending one. */
  private async membersOfOtherPartners(manager: EntityManager, userIds: string[], partnerId: string): Promise<Set<string>> {
    if (userIds.length === 0) return new Set();
    const rows = await manager.getRepository(PartnerMembership).find({ select: { userId: true }, where: { userId: In(userIds), partnerId: Not(partnerId) } });
    return new Set(rows.map((m) => m.userId));
  }

  /** E1–E5, E9–E11: ends the client's relationship with its linked partner, all in the caller's transaction. */
  async end(uow: UnitOfWork, caller: Caller, input: EndRelationshipInput): Promise<EndRelationshipResult> {
    const clientId = localIdOf(input.clientId, 'Client');
    if (clientId === null) return refused(NO_ENDING, noSuchClient());
    const scope = idempotencyScope(caller.viewer.userId, 'endCustomerRelationship', input);
    const read = await this.readForEnding(uow, clientId, caller.viewer.userId, scope, !!input.removePartnerOwnedExtensions);
    if (!read.client) return refused(NO_ENDING, noSuchClient());
    const client = read.client;
    return this.idempotency.once(uow, scope, {
      nothing: NO_ENDING,
      found: read.found,
      run: () => this.endLocked(uow, caller, client, input, read),
      remember: (ending): StoredEnding => ({
        relationshipId: ending.relationship!.id,
        clientId: ending.client!.id,
        deactivationIds: ending.deactivations.map((a) => a.id),
        warnings: ending.warnings,
      }),
      replay: (stored) => this.rebuild(uow, stored),
    });
  }

  /**
   * Everything an ending reads, in one round trip: the client's lock first (`lockClientStatement`), then — with the lock
   * held, so in the order of the mutation protocol — the idempotency key's record, the client's relationships and
   * accesses, and what the ending reports about the users losing access (E8, S11), the partner and its extensions (E9).
   * The last ones are read through the client's partner as locked; a call that is refused or replayed ignores them.
   */
  private async readForEnding(uow: UnitOfWork, clientId: string, viewerId: string, scope: IdempotencyScope | null, withExtensions: boolean): Promise<EndingReads> {
    const manager = uow.manager;
    // The client's accesses through its linked partner that are not yet deactivated: those the ending dates.
    const departing = 'client_accesses a JOIN clients c ON c.id = a.client_id AND a.via_partner_id = c.partner_id';
    const statements: Array<Statement<unknown>> = [
      lockClientStatement(manager, clientId),
      selectEntities(manager, CustomerRelationship, 'WHERE t.client_id = ? ORDER BY t.id DESC', [clientId]),
      selectEntities(manager, ClientAccess, 'WHERE t.client_id = ? ORDER BY t.id ASC', [clientId]),
      {
        sql: `SELECT DISTINCT m.user_id FROM ${departing} JOIN partner_memberships m ON m.user_id = a.user_id AND m.partner_id <> c.partner_id WHERE a.client_id = ? AND a.deactivated_at IS NULL`,
        params: [clientId],
        read: (rows: Array<{ user_id: string }>) => new Set(rows.map((r) => r.user_id)),
      },
      {
        sql: `SELECT p.name FROM partners p JOIN clients c ON c.partner_id = p.id WHERE c.id = ?`,
        params: [clientId],
        read: (rows: Array<{ name: string }>) => rows[0]?.name ?? null,
      },
      {
        sql: `SELECT u.id, u.name FROM ${departing} JOIN users u ON u.id = a.user_id WHERE a.client_id = ? AND a.deactivated_at IS NULL UNION SELECT id, name FROM users WHERE id = ?`,
        params: [clientId, viewerId],
        read: (rows: Array<{ id: string; name: string }>) => new Map(rows.map((u) => [u.id, u.name])),
      },
    ];
    const extensionsAt = withExtensions
      ? statements.push({
          sql: 'SELECT e.id, e.`key` FROM client_extensions e JOIN clients c ON c.id = e.client_id AND e.owner_partner_id = c.partner_id WHERE e.client_id = ?',
          params: [clientId],
          read: (rows: Array<{ id: string; key: string }>) => rows.map((r) => ({ id: String(r.id), key: r.key })),
        }) - 1
      : -1;
    const derivedAt = statements.push(this.derivedGroupings(clientId)) - 1;
    const endpointsAt = this.webhookEvents ? statements.push(this.webhookEvents.endpointsOfClientPartner(manager, clientId)) - 1 : -1;
    const foundAt = scope ? statements.push(this.idempotency.lookupStatement<StoredEnding>(scope)) - 1 : -1;
    const results = await uow.batch(...statements);
    const [client, relationships, accesses, otherMembers, partnerName, names] = results;
    const owned = extensionsAt >= 0 ? results[extensionsAt] : [];
    const found = foundAt >= 0 ? results[foundAt] : undefined;
    return {
      client: client as Client | null,
      relationships: relationships as CustomerRelationship[],
      accesses: accesses as ClientAccess[],
      otherMembers: otherMembers as Set<string>,
      partnerName: partnerName as string | null,
      names: names as Map<string, string>,
      ownedExtensions: owned as Array<{ id: string; key: string }>,
      derivedGroupings: results[derivedAt] as string[],
      webhookEndpoints: endpointsAt >= 0 ? (results[endpointsAt] as WebhookEndpoint[]) : undefined,
      found: found as IdempotencyLookup<StoredEnding> | undefined,
    };
  }

  /**
   * E15: ends 1..100 relationships in one call. Each item runs through `endOne` — the single mutation's own unit of
   * work, so the same rules, locks and idempotency keys — a few at a time; one item's refusal does not stop the others,
   * and the results come back in the items' order, each refusal's field pointing at its item. More than 100 items:
   * TOO_MANY_ITEMS, nothing done.
   */
  async endMany(items: EndRelationshipInput[], endOne: (item: EndRelationshipInput) => Promise<EndRelationshipResult>): Promise<BatchEndingResult> {
    if (items.length === 0 || items.length > MAX_BATCH_ITEMS) {
      return { results: [], userErrors: [refusal(UserErrorCode.TOO_MANY_ITEMS, `One call takes 1 to ${MAX_BATCH_ITEMS} items; this one has ${items.length}.`, ['input', 'items'])] };
    }
    const results: EndRelationshipResult[] = new Array(items.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < items.length; i = next++) {
        const result = await endOne(items[i]);
        const where = ['input', 'items', String(i)];
        results[i] = { ...result, userErrors: result.userErrors.map((e) => ({ ...e, field: e.field ? [...where, ...e.field.slice(1)] : where })) };
      }
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, items.length) }, worker));
    return { results, userErrors: [] };
  }

  /** `end` once the client row is locked and the call is known to be a first one. */
  private async endLocked(uow: UnitOfWork, caller: Caller, client: Client, input: EndRelationshipInput, read: EndingReads): Promise<EndRelationshipResult> {
    const { viewer } = caller;
    const today = osloToday(this.clock);
    const now = this.clock.now();
    const { relationships, accesses } = read;
    const refusedToEnd = await this.refusalToEnd(uow.manager, viewer, client, relationships, today);
    if (refusedToEnd) return refused(NO_ENDING, refusedToEnd);
    const partnerId = client.partnerId!;

    const { errors, nextHolder } = this.checkInput(client, accesses, input, today, partnerId);
    if (errors.length > 0) return refused(NO_ENDING, ...errors);
    const derived = read.derivedGroupings;

    // E4, all in this transaction, the writes sent together. The ACTIVE row written at import (or at linking) becomes
    // the ended relationship.
    const writes: Array<Statement<unknown>> = [];
    const before = { partnerId, partnerSince: client.partnerSince, subscriptionAdminUserId: client.subscriptionAdminUserId };
    const partnerPeriodStart = relationships.find((r) => r.status === RelationshipStatus.ACTIVE && r.partnerId === partnerId)?.partnerPeriodStart ?? client.partnerSince;
    const ended = {
      status: RelationshipStatus.ENDED,
      partnerPeriodEnd: today,
      responsibilityFrom: input.responsibilityFrom,
      responsibilityTo: input.responsibilityTo,
      generationDate: input.generationDate,
      endedAt: now,
      endedByUserId: viewer.userId,
      // A6: what the ending partner will see of the client from now on, whatever it is called later.
      clientName: client.name,
      clientOrganizationNumber: client.organizationNumber,
    };
    let relationship = relationships.find((r) => r.status === RelationshipStatus.ACTIVE && r.partnerId === partnerId);
    if (relationship) {
      writes.push(
        write(
          'UPDATE customer_relationships SET status = ?, partner_period_end = ?, responsibility_from = ?, responsibility_to = ?, generation_date = ?, ended_at = ?, ended_by_user_id = ?, client_name = ?, client_organization_number = ?, updated_at = CURRENT_TIMESTAMP WHERE id = ?',
          [ended.status, ended.partnerPeriodEnd, ended.responsibilityFrom, ended.responsibilityTo, ended.generationDate, ended.endedAt, ended.endedByUserId, ended.clientName, ended.clientOrganizationNumber, relationship.id],
        ),
      );
      relationship = Object.assign(relationship, ended);
    } else {
      const inserted = await uow
        .repo(CustomerRelationship)
        .createQueryBuilder()
        .insert()
        .values({ clientId: client.id, partnerId, partnerPeriodStart, ...ended })
        .updateEntity(false)
        .execute();
      relationship = Object.assign(new CustomerRelationship(), { id: String(inserted.raw.insertId), clientId: client.id, partnerId, partnerPeriodStart, cancelledAt: null, ...ended });
    }

    client.partnerId = null;
    client.partnerSince = null;
    writes.push(write('UPDATE clients SET partner_id = NULL, partner_since = NULL, updated_at = CURRENT_TIMESTAMP WHERE id = ?', [client.id]));

    const deactivations = accesses.filter((a) => a.viaPartnerId === partnerId && !a.deactivatedAt);
    if (deactivations.length > 0) {
      writes.push(
        write('UPDATE client_accesses SET deactivation_date = ?, deactivation_relationship_id = ? WHERE id IN (?)', [input.generationDate, relationship.id, deactivations.map((a) => a.id)]),
      );
      for (const a of deactivations) Object.assign(a, { deactivationDate: input.generationDate, deactivationRelationshipId: relationship.id });
    }

    const scheduling = this.scheduleTasks(uow, relationship.id, input.generationDate);
    writes.push(scheduling);

    let removedExtensions: string[] = [];
    if (input.removePartnerOwnedExtensions) {
      const owned = read.ownedExtensions;
      if (owned.length > 0) writes.push(write('DELETE FROM client_extensions WHERE id IN (?)', [owned.map((e) => e.id)]));
      removedExtensions = owned.map((e) => e.key).sort();
    }

    let tasks: ScheduledTask[] = [];
    if (nextHolder) {
      // The handover writes through its own service: what is queued so far goes first, in the order written.
      const at = writes.indexOf(scheduling);
      tasks = (await uow.batch(...writes.splice(0)))[at] as ScheduledTask[];
      await this.subscriptionAdmin.handOver(uow, caller, client, accesses, nextHolder, relationship.id);
    }

    const otherMembers = read.otherMembers;
    const holderLeaves = client.subscriptionAdminUserId !== null && deactivations.some((a) => a.userId === client.subscriptionAdminUserId);
    const warnings = this.endingWarnings(input, partnerPeriodStart, today, otherMembers.size, derived, holderLeaves);

    writes.push(
      this.audit.recording(caller.actor, {
        action: 'RELATIONSHIP_ENDED',
        clientId: client.id,
        relationshipId: relationship.id,
        before: { ...before, status: RelationshipStatus.ACTIVE },
        after: {
          partnerId: null,
          partnerSince: null,
          status: RelationshipStatus.ENDED,
          responsibilityFrom: input.responsibilityFrom,
          responsibilityTo: input.responsibilityTo,
          generationDate: input.generationDate,
          deactivatedUserIds: deactivations.map((a) => a.userId),
          usersInOtherPartners: [...otherMembers].sort(),
          removedExtensions,
          subscriptionAdminUserId: client.subscriptionAdminUserId,
        },
      }),
    );

    // S11: the client hears of it in the same transaction.
    const notices = this.notices.relationshipEndedWrites({ client, relationship, accesses, deactivations, endedByUserId: viewer.userId, today }, read.partnerName, read.names);
    const results = await uow.batch(...writes, ...notices);
    if (!nextHolder) tasks = results[writes.indexOf(scheduling)] as ScheduledTask[];
    this.notices.written(uow, results.slice(writes.length) as Array<string | null>);

    uow.onCommit(() => this.taskTrigger.created(tasks));
    await this.webhookEvents?.relationship(uow, WebhookEventType.RELATIONSHIP_ENDED, relationship, client, read.webhookEndpoints);
    return { relationship, client, deactivations, warnings, userErrors: [] };
  }

  /**
   * S1: the generation and deactivation tasks, due at 00:00 Europe/Oslo on the generation date: one multi-row INSERT,
   * as a statement of the ending's batch, read as the task rows written.
   */
  private scheduleTasks(uow: UnitOfWork, relationshipId: string, generationDate: string): Statement<ScheduledTask[]> {
    const dueAt = osloMidnight(generationDate);
    const rows = ENDING_TASKS.map((kind) => ({ relationshipId, kind, state: TaskState.SCHEDULED, dueAt, attempts: 0, lastError: null }));
    return {
      sql: 'INSERT INTO scheduled_tasks (relationship_id, kind, state, due_at, attempts, last_error) VALUES ?',
      params: [rows.map((r) => [r.relationshipId, r.kind, r.state, r.dueAt, r.attempts, r.lastError])],
      read: (inserted: { insertId: number | string }) => {
        // One multi-row INSERT takes consecutive ids from the first (InnoDB, any auto-increment lock mode).
        const firstId = BigInt(inserted.insertId);
        return rows.map((row, i) => uow.repo(ScheduledTask).create({ ...row, id: String(firstId + BigInt(i)) }));
      },
    };
  }

  /** E10: the first call's result, from the ids it stored. */
  private async rebuild(uow: UnitOfWork, stored: StoredEnding): Promise<EndRelationshipResult> {
    const [relationship, client, deactivations] = await Promise.all([
      uow.repo(CustomerRelationship).findOneBy({ id: stored.relationshipId }),
      uow.repo(Client).findOneBy({ id: stored.clientId }),
      stored.deactivationIds.length ? uow.repo(ClientAccess).find({ where: { id: In(stored.deactivationIds) }, order: { id: 'ASC' } }) : Promise.resolve([]),
    ]);
    return { relationship, client, deactivations, warnings: stored.warnings, userErrors: [] };
  }
}
