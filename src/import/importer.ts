import * as path from 'node:path';
import { DataSource, In } from 'typeorm';
import { SYSTEM_ACTOR, type AuditService } from '../audit/audit.service';
import { ClientAccess } from '../clients/client-access.entity';
import { ClientExtension } from '../clients/client-extension.entity';
import { Client } from '../clients/client.entity';
import type { Logger } from '../common/logger';
import { runInTransaction, UnitOfWork } from '../db/unit-of-work';
import type { LedgerService } from '../ledger/ledger.service';
import { storedPartnerCode } from '../partners/partner-code';
import { PartnerMembership } from '../partners/partner-membership.entity';
import { Partner } from '../partners/partner.entity';
import { CustomerRelationship, RelationshipStatus } from '../relationships/customer-relationship.entity';
import { SaftFormatError } from '../saft';
import { User } from '../users/user.entity';
import { ImportError, ImportFile, ImportProblem } from './import-file';

/** What importing a file needs. */
export interface ImportDeps {
  dataSource: DataSource;
  audit: AuditService;
  /** Loads the SAF-T files a client's `ledger.saft` names into its books. */
  ledger: Pick<LedgerService, 'importSaftFile'>;
  logger: Logger;
}

export interface ImportSummary {
  partners: number;
  users: number;
  clients: number;
  accesses: number;
  extensions: number;
  ledgers: number;
}

async function existingIds(dataSource: DataSource, entity: typeof Partner | typeof User, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await dataSource.getRepository(entity).find({ select: { id: true }, where: { id: In(ids) } });
  return new Set(rows.map((r) => r.id));
}

/** A partner code or organization number the database already gives to another id. */
async function checkUniqueAgainstDatabase(dataSource: DataSource, file: ImportFile, problems: ImportProblem[]): Promise<void> {
  if (file.partners.length) {
    const taken = await dataSource.getRepository(Partner).findBy({ partnerCode: In(file.partners.map((p) => storedPartnerCode(p.partnerCode))) });
    file.partners.forEach((p, i) => {
      const other = taken.find((t) => t.partnerCode.toUpperCase() === p.partnerCode.toUpperCase() && t.id !== p.id);
      if (other) problems.push({ path: `$.partners[${i}].partnerCode`, message: `partner code "${p.partnerCode}" belongs to partner "${other.id}"` });
    });
  }
  if (file.clients.length) {
    const taken = await dataSource.getRepository(Client).findBy({ organizationNumber: In(file.clients.map((c) => c.organizationNumber)) });
    file.clients.forEach((c, i) => {
      const other = taken.find((t) => t.organizationNumber === c.organizationNumber && t.id !== c.id);
      if (other) problems.push({ path: `$.clients[${i}].organizationNumber`, message: `organization number ${c.organizationNumber} belongs to client "${other.id}"` });
    });
  }
}

/**
 * Loads an import file in one transaction: partners, users, memberships, clients, accesses, extensions (and ledgers).
 * An upsert by the file's ids: a second run updates names, e-mails, rights and extensions and never duplicates. What
 * the API changes after the first import — partner links, subscription administrators, roles, deactivations — is left
 * as it is. Any dangling reference refuses the whole file, naming its JSON path.
 */
export async function importFile(deps: ImportDeps, file: ImportFile): Promise<ImportSummary> {
  const { dataSource, audit, ledger, logger } = deps;
  const problems: ImportProblem[] = [];
  const partnerIds = new Set(file.partners.map((p) => p.id));
  const userIds = new Set(file.users.map((u) => u.id));

  const referencedPartners = [
    ...file.users.flatMap((u) => u.memberships.map((m) => m.partner)),
    ...file.clients.flatMap((c) => [c.partner, ...c.access.map((a) => a.viaPartner), ...c.extensions.map((e) => e.ownerPartner)]),
  ].filter((id): id is string => !!id && !partnerIds.has(id));
  const referencedUsers = file.clients.flatMap((c) => c.access.map((a) => a.user)).filter((id) => !userIds.has(id));
  for (const id of await existingIds(dataSource, Partner, [...new Set(referencedPartners)])) partnerIds.add(id);
  for (const id of await existingIds(dataSource, User, [...new Set(referencedUsers)])) userIds.add(id);

  const membershipsOf = new Map<string, Set<string>>(file.users.map((u) => [u.id, new Set(u.memberships.map((m) => m.partner))]));
  const externalMembers = await dataSource.getRepository(PartnerMembership).findBy({ userId: In([...new Set(referencedUsers)]) });
  for (const m of externalMembers) (membershipsOf.get(m.userId) ?? membershipsOf.set(m.userId, new Set()).get(m.userId)!).add(m.partnerId);

  const partnerRef = (id: string | null, path: string) => {
    if (id && !partnerIds.has(id)) problems.push({ path, message: `no partner "${id}" in the file or the database` });
  };
  file.users.forEach((u, i) => u.memberships.forEach((m, j) => partnerRef(m.partner, `$.users[${i}].memberships[${j}].partner`)));
  file.clients.forEach((c, i) => {
    partnerRef(c.partner, `$.clients[${i}].partner`);
    c.access.forEach((a, j) => {
      if (!userIds.has(a.user)) problems.push({ path: `$.clients[${i}].access[${j}].user`, message: `no user "${a.user}" in the file or the database` });
      partnerRef(a.viaPartner, `$.clients[${i}].access[${j}].viaPartner`);
      if (a.viaPartner && userIds.has(a.user) && !membershipsOf.get(a.user)?.has(a.viaPartner)) {
        problems.push({ path: `$.clients[${i}].access[${j}].viaPartner`, message: `user "${a.user}" is not a member of partner "${a.viaPartner}"` });
      }
    });
    c.extensions.forEach((e, j) => partnerRef(e.ownerPartner, `$.clients[${i}].extensions[${j}].ownerPartner`));
  });
  await checkUniqueAgainstDatabase(dataSource, file, problems);
  if (problems.length > 0) throw new ImportError(problems);

  return runInTransaction(dataSource, async (uow) => {
    const summary: ImportSummary = { partners: 0, users: 0, clients: 0, accesses: 0, extensions: 0, ledgers: 0 };
    if (file.partners.length) {
      // `nordlys` in a file is the code NORDLYS: codes are kept upper case and compared exactly.
      const partners = file.partners.map((p) => ({ ...p, partnerCode: storedPartnerCode(p.partnerCode) }));
      await uow.repo(Partner).createQueryBuilder().insert().values(partners).orUpdate(['name', 'partner_code', 'organization_number'], ['id']).execute();
    }
    if (file.users.length) {
      await uow.repo(User).createQueryBuilder().insert().values(file.users.map(({ id, name, email }) => ({ id, name, email }))).orUpdate(['name', 'email'], ['id']).execute();
      await uow.repo(PartnerMembership).delete({ userId: In(file.users.map((u) => u.id)) });
      const memberships = file.users.flatMap((u) => u.memberships.map((m) => ({ userId: u.id, partnerId: m.partner, rights: m.rights })));
      if (memberships.length) await uow.repo(PartnerMembership).insert(memberships);
    }
    summary.partners = file.partners.length;
    summary.users = file.users.length;

    const known = new Set((await uow.repo(Client).find({ select: { id: true }, where: { id: In(file.clients.map((c) => c.id)) } })).map((c) => c.id));
    for (const c of file.clients) {
      if (known.has(c.id)) {
        // Retention and legal hold only when the file gives them: what was set through the API stays otherwise (S5).
        await uow.repo(Client).update(
          { id: c.id },
          {
            name: c.name,
            organizationNumber: c.organizationNumber,
            fiscalYearStartMonth: c.fiscalYearStartMonth,
            ...(c.retentionYears !== null ? { retentionYears: c.retentionYears } : {}),
            ...(c.legalHold !== null ? { legalHold: c.legalHold } : {}),
          },
        );
      } else {
        await uow.repo(Client).insert({
          id: c.id,
          name: c.name,
          organizationNumber: c.organizationNumber,
          partnerId: c.partner,
          partnerSince: c.partnerSince,
          fiscalYearStartMonth: c.fiscalYearStartMonth,
          retentionYears: c.retentionYears ?? 5,
          legalHold: c.legalHold ?? false,
          subscriptionAdminUserId: null,
        });
      }
    }
    const newClients = file.clients.filter((c) => !known.has(c.id));
    const accesses = file.clients.flatMap((c) => c.access.map((a) => ({ clientId: c.id, userId: a.user, roles: a.roles, viaPartnerId: a.viaPartner })));
    if (accesses.length) {
      // Insert what is missing; roles and dates changed through the API stay.
      await uow.repo(ClientAccess).createQueryBuilder().insert().values(accesses).orIgnore().execute();
    }
    for (const c of newClients) {
      if (c.subscriptionAdmin) await uow.repo(Client).update({ id: c.id }, { subscriptionAdminUserId: c.subscriptionAdmin });
      if (c.partner) {
        await uow.repo(CustomerRelationship).insert({ clientId: c.id, partnerId: c.partner, status: RelationshipStatus.ACTIVE, partnerPeriodStart: c.partnerSince });
      }
    }
    const extensions = file.clients.flatMap((c) => c.extensions.map((e) => ({ clientId: c.id, key: e.key, name: e.name, ownerPartnerId: e.ownerPartner })));
    if (extensions.length) {
      await uow.repo(ClientExtension).createQueryBuilder().insert().values(extensions).orUpdate(['name', 'owner_partner_id'], ['client_id', 'key']).execute();
    }
    for (const [i, c] of file.clients.entries()) {
      if (c.ledger && c.ledger.saft.length > 0) {
        await importLedger(ledger, uow, c.id, c.ledger.saft, `$.clients[${i}].ledger.saft`);
        summary.ledgers += c.ledger.saft.length;
      }
    }
    summary.clients = file.clients.length;
    summary.accesses = accesses.length;
    summary.extensions = extensions.length;
    await audit.record(uow, SYSTEM_ACTOR, { action: 'IMPORT', after: { ...summary } });
    return summary;
  }, { logger });
}

/**
 * A client's `ledger.saft` files into its books, in the import's transaction: a bad file refuses the whole import,
 * naming it by its JSON path, its file name, its line and the reason.
 */
async function importLedger(ledger: ImportDeps['ledger'], uow: UnitOfWork, clientId: string, files: string[], jsonPath: string): Promise<void> {
  for (const [i, file] of files.entries()) {
    const problem = (message: string): ImportProblem => ({ path: `${jsonPath}[${i}]`, message: `${path.basename(file)}: ${message}` });
    try {
      await ledger.importSaftFile(uow, clientId, file);
    } catch (error) {
      if (error instanceof SaftFormatError) throw new ImportError([problem(error.message)]);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new ImportError([problem(`cannot be read (${code})`)]);
      throw error;
    }
  }
}
