import { toGlobalId } from '../../src/common/global-id';
import type { ScheduledTask } from '../../src/tasks/scheduled-task.entity';
import type { TaskTrigger } from '../../src/tasks/task-trigger';
import type { TestApp } from '../support/test-app';

export const clientId = (id: string) => toGlobalId('Client', id);
export const userId = (id: string) => toGlobalId('User', id);
export const relationshipId = (id: string) => toGlobalId('CustomerRelationship', id);

export const USER_ERRORS = 'userErrors { field message code }';

export const END = `mutation End($input: EndCustomerRelationshipInput!) {
  endCustomerRelationship(input: $input) {
    relationship { id status partnerPeriodStart partnerPeriodEnd responsibilityFrom responsibilityTo generationDate endedAt endedBy { name }
      partner { partnerCode } tasks { kind state dueAt attempts lastError } }
    client { id partnerCode subscriptionAdmin { name } extensions { key } }
    deactivations { user { name } deactivationDate active viaPartner { partnerCode } }
    warnings { code message }
    ${USER_ERRORS}
  }
}`;

export const PREVIEW = `query Preview($clientId: ID!) {
  endCustomerRelationshipPreview(clientId: $clientId) {
    client { name } partner { partnerCode } partnerPeriodStart earliestGenerationDate latestGenerationDate
    deactivations { user { name } }
    usersInOtherPartners { user { name } }
    subscriptionAdminIsPartnerUser
    subscriptionAdminCandidates { name }
    partnerOwnedExtensions { key ownerPartner { partnerCode } }
  }
}`;

export const TRANSFER = `mutation Transfer($input: TransferSubscriptionAdminInput!) {
  transferSubscriptionAdmin(input: $input) { client { subscriptionAdmin { name } users { user { name } roles active deactivationDate } } grantedAdministrator ${USER_ERRORS} }
}`;

export const UPDATE = `mutation Update($input: UpdateEndedRelationshipInput!) {
  updateEndedRelationship(input: $input) { relationship { status responsibilityFrom responsibilityTo generationDate tasks { kind state dueAt } } ${USER_ERRORS} }
}`;

export const CANCEL = `mutation Cancel($input: CancelRelationshipEndInput!) {
  cancelRelationshipEnd(input: $input) { relationship { status } client { partnerCode relationships { status partnerPeriodStart } } ${USER_ERRORS} }
}`;

export const CLEAR = `mutation Clear($input: ClearUserDeactivationInput!) {
  clearUserDeactivation(input: $input) { clientUser { user { name } deactivationDate active } ${USER_ERRORS} }
}`;

export const LINK = `mutation Link($input: LinkClientToPartnerInput!) {
  linkClientToPartner(input: $input) { client { partnerCode } relationship { status partnerPeriodStart partner { partnerCode } } clearedDeactivations { user { name } deactivationDate } ${USER_ERRORS} }
}`;

/** A valid ending of c-fjord on the test clock's default day (2026-11-28). */
export function fjordEnding(extra: Record<string, unknown> = {}) {
  return { clientId: clientId('c-fjord'), responsibilityFrom: '2021-03', responsibilityTo: '2026-11', generationDate: '2027-01-15', ...extra };
}

/** Everything the relationship flow may change, to assert that a refused call changed nothing. */
export async function snapshot(app: TestApp) {
  const [clients, accesses, relationships, tasks, extensions, notifications, audit, idempotency] = await Promise.all([
    app.sql('SELECT id, partner_id, partner_since, subscription_admin_user_id FROM clients ORDER BY id'),
    app.sql('SELECT id, client_id, user_id, roles, via_partner_id, deactivation_date, deactivation_relationship_id, deactivated_at FROM client_accesses ORDER BY id'),
    app.sql('SELECT id, client_id, partner_id, status, partner_period_start, partner_period_end, responsibility_from, responsibility_to, generation_date, ended_at, ended_by_user_id, cancelled_at FROM customer_relationships ORDER BY id'),
    app.sql('SELECT id, relationship_id, kind, state, due_at FROM scheduled_tasks ORDER BY id'),
    app.sql('SELECT id, client_id, `key`, owner_partner_id FROM client_extensions ORDER BY id'),
    app.sql('SELECT COUNT(*) AS n FROM notifications'),
    app.sql('SELECT COUNT(*) AS n FROM audit_events'),
    app.sql('SELECT COUNT(*) AS n FROM idempotency_records'),
  ]);
  return { clients, accesses, relationships, tasks, extensions, notifications, audit, idempotency };
}

/** The relationship id (local) of a client's latest relationship. */
export async function latestRelationshipOf(app: TestApp, client: string): Promise<string> {
  const [row] = await app.sql('SELECT id FROM customer_relationships WHERE client_id = ? ORDER BY id DESC LIMIT 1', [client]);
  return String(row.id);
}

/** Empties the test database and loads `data` again, much faster than a new database per test. */
export async function resetWorld(app: TestApp, data: unknown, now = '2026-11-28T12:00:00Z'): Promise<void> {
  const runner = app.opened.runtime.dataSource.createQueryRunner();
  await runner.connect();
  try {
    const tables: Array<{ name: string }> = await runner.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' AND table_name <> 'migrations'",
    );
    await runner.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const { name } of tables) await runner.query(`DELETE FROM \`${name}\``);
    await runner.query('SET FOREIGN_KEY_CHECKS = 1');
  } finally {
    await runner.release();
  }
  app.clock.set(now);
  await app.load(data);
}

/** Records what would be put on the queue after commit: tasks just created, and tasks changed later. */
export class RecordingTrigger implements TaskTrigger {
  synced: ScheduledTask[][] = [];
  async sync(tasks: ScheduledTask[]): Promise<void> {
    this.synced.push(tasks);
  }
  async created(tasks: ScheduledTask[]): Promise<void> {
    this.synced.push(tasks);
  }
}
