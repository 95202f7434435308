import * as fs from 'node:fs';
import * as path from 'node:path';
import { runInTransaction } from '../../src/db/unit-of-work';
import { ArchiveDocument, ArchiveDocumentKind } from '../../src/archive/archive-document.entity';
import type { SaftReadSummary } from '../../src/saft';
import type { TestApp } from '../support/test-app';

export const SAFT_EXAMPLES = path.resolve(__dirname, '../../../shared/saft/examples');
export const EXAMPLE_130 = path.join(SAFT_EXAMPLES, 'generated_auditfile_formatted_v_1.30.xml');
export const EXAMPLE_110 = path.join(SAFT_EXAMPLES, 'ExampleFile SAF-T Financial_999999999_20161125213512.xml');

/** Partners, users and clients for the ledger and archive tests; the example files' company is 999999999. */
export function ledgerWorld() {
  return {
    partners: [
      { id: 'p-nordlys', name: 'Nordlys Regnskap AS', partnerCode: 'NORDLYS', organizationNumber: '912345678' },
      { id: 'p-fjell', name: 'Fjelltopp Økonomi AS', partnerCode: 'FJELL' },
    ],
    users: [
      { id: 'u-kari', name: 'Kari Nordmann', email: 'kari@nordlys.example', memberships: [{ partner: 'p-nordlys', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }] },
      { id: 'u-per', name: 'Per Hansen', email: 'per@nordlys.example', memberships: [{ partner: 'p-nordlys', rights: ['CLIENT_ADMIN'] }] },
      { id: 'u-lars', name: 'Lars Solberg', email: 'lars@fjell.example', memberships: [{ partner: 'p-fjell', rights: ['CLIENT_ADMIN', 'ARCHIVE'] }] },
      { id: 'u-ola', name: 'Ola Bakke', email: 'ola@example.example', memberships: [] },
    ],
    clients: [
      {
        id: 'c-example',
        name: 'Eksempel AS',
        organizationNumber: '999999999',
        partner: 'p-nordlys',
        partnerSince: '2020-01-01',
        subscriptionAdmin: 'u-ola',
        access: [
          { user: 'u-kari', roles: ['ADMINISTRATOR'], viaPartner: 'p-nordlys' },
          { user: 'u-ola', roles: ['ADMINISTRATOR'] },
        ],
        extensions: [],
      },
      {
        id: 'c-havbris',
        name: 'Havbris Sjømat AS',
        organizationNumber: '922333444',
        partner: 'p-nordlys',
        partnerSince: '2020-01-01',
        fiscalYearStartMonth: 7,
        subscriptionAdmin: 'u-kari',
        access: [{ user: 'u-kari', roles: ['ADMINISTRATOR'], viaPartner: 'p-nordlys' }],
        extensions: [],
      },
    ],
  };
}

export async function importSaft(app: TestApp, clientId: string, file: string): Promise<SaftReadSummary> {
  const { runtime } = app.opened;
  return runInTransaction(runtime.dataSource, (uow) => runtime.services.ledger.importSaftFile(uow, clientId, file));
}

/** Ends the client's active relationship directly in the database (the ending mutation is tested elsewhere). */
export async function endRelationship(app: TestApp, clientId: string, from: string, to: string, generationDate: string): Promise<string> {
  const [row] = await app.sql<{ id: string }>("SELECT id FROM customer_relationships WHERE client_id = ? AND status = 'ACTIVE'", [clientId]);
  await app.sql(
    "UPDATE customer_relationships SET status = 'ENDED', responsibility_from = ?, responsibility_to = ?, generation_date = ?, ended_at = ?, partner_period_end = ? WHERE id = ?",
    [from, to, generationDate, new Date('2026-01-01T00:00:00Z'), generationDate, row.id],
  );
  return String(row.id);
}

export async function documentsOf(app: TestApp, relationshipId: string): Promise<ArchiveDocument[]> {
  return app.opened.runtime.dataSource.getRepository(ArchiveDocument).find({ where: { relationshipId }, order: { fiscalYear: 'ASC' } });
}

/** The relationship's SAF-T files only (the specifications are recorded next to them, as their own documents). */
export async function saftDocumentsOf(app: TestApp, relationshipId: string): Promise<ArchiveDocument[]> {
  return (await documentsOf(app, relationshipId)).filter((d) => d.kind === ArchiveDocumentKind.SAFT_FINANCIAL);
}

export function archivePath(app: TestApp, document: ArchiveDocument): string {
  return path.join(path.resolve(app.opened.runtime.config.archiveDir), ...document.storageKey.split('/'));
}

export function readArchived(app: TestApp, document: ArchiveDocument): Buffer {
  return fs.readFileSync(archivePath(app, document));
}

export const LEDGER_TABLES = [
  'ledger_accounts',
  'ledger_parties',
  'ledger_opening_balances',
  'ledger_tax_codes',
  'ledger_analysis_types',
  'ledger_journals',
  'ledger_transactions',
  'ledger_lines',
];

export async function ledgerRowCounts(app: TestApp): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of LEDGER_TABLES) counts[table] = Number((await app.sql(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  return counts;
}
