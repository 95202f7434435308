import type mysql from 'mysql2/promise';
import { insertRows } from './database';

const FIRST = ['Fjord', 'Nord', 'Vest', 'Øst', 'Sør', 'Berg', 'Dal', 'Elv', 'Fjell', 'Havn', 'Skog', 'Strand', 'Vik', 'Ås', 'Ærlig', 'Lys', 'Stein', 'Tind', 'Bre', 'Kyst'];
const SECOND = ['Bakeri', 'Bygg', 'Regnskap', 'Transport', 'Eiendom', 'Fiske', 'Handel', 'Rør', 'Elektro', 'Maskin', 'Konsult', 'Helse', 'Frisør', 'Kafé', 'Snekker', 'Tannlege', 'Data', 'Reklame', 'Verksted', 'Gartneri'];

/** A deterministic company name: two words and a number, so the list has realistic sort keys and some shared prefixes. */
export function clientName(i: number): string {
  const a = FIRST[(i * 7919) % FIRST.length];
  const b = SECOND[Math.floor((i * 104729) / FIRST.length) % SECOND.length];
  return `${a} ${b} ${String((i * 2654435761) % 1_000_000).padStart(6, '0')} AS`;
}

export const clientId = (i: number) => `c-${String(i).padStart(7, '0')}`;
export const ownUserId = (client: number, j: number) => `u-c${client}-${j}`;
export const partnerUserId = (partner: string, j: number) => `u-${partner}-${j}`;

export interface PartnerSeed {
  partnerId: string;
  partnerCode: string;
  /** The user the benchmark acts as: CLIENT_ADMIN and ARCHIVE in the partner. */
  adminUserId: string;
  clients: number;
}

export interface SeedShape {
  clients: number;
  /** Accesses per client through the partner, taken from a pool of partner users. */
  partnerUsersPerClient: number;
  /** The client's own users; the first is its administrator and subscription administrator. */
  ownUsersPerClient: number;
  /** Extensions per client; the first is owned by the partner. */
  extensionsPerClient: number;
  /** How many distinct partner users the accesses are spread over. */
  partnerUserPool: number;
  /** Every n-th partner user is also a member of a second partner (E8), 0 for none. */
  alsoInOtherPartnerEvery?: number;
  partnerSince?: string;
}

/**
 * One partner with `clients` linked clients, their users, accesses, extensions and ACTIVE relationships, written with
 * multi-row INSERTs straight into the product's tables (as the import would leave them).
 */
export async function seedPartner(pool: mysql.Pool, shape: SeedShape, partner = { id: 'p-bench', code: 'BENCH', name: 'Benk Regnskap AS' }): Promise<PartnerSeed> {
  const since = shape.partnerSince ?? '2020-01-01';
  const other = { id: 'p-other', code: 'OTHER', name: 'Annen Regnskap AS' };
  await insertRows(pool, 'partners', ['id', 'name', 'partner_code', 'organization_number'], [
    [partner.id, partner.name, partner.code, '911111111'],
    [other.id, other.name, other.code, '922222222'],
  ]);
  const adminUserId = `u-${partner.id}-admin`;
  const partnerUsers = Array.from({ length: shape.partnerUserPool }, (_, j) => partnerUserId(partner.id, j));
  await insertRows(pool, 'users', ['id', 'name', 'email'], [
    [adminUserId, 'Benk Administrator', 'admin@benk.example'],
    ...partnerUsers.map((id, j) => [id, `Partnerbruker ${j}`, `${id}@benk.example`]),
  ]);
  const memberships: unknown[][] = [[adminUserId, partner.id, 'CLIENT_ADMIN,ARCHIVE']];
  partnerUsers.forEach((id, j) => {
    memberships.push([id, partner.id, 'CLIENT_ADMIN']);
    if (shape.alsoInOtherPartnerEvery && j % shape.alsoInOtherPartnerEvery === 0) memberships.push([id, other.id, 'CLIENT_ADMIN']);
  });
  await insertRows(pool, 'partner_memberships', ['user_id', 'partner_id', 'rights'], memberships);

  const chunk = 5000;
  for (let from = 0; from < shape.clients; from += chunk) {
    const to = Math.min(shape.clients, from + chunk);
    const clients: unknown[][] = [];
    const users: unknown[][] = [];
    const accesses: unknown[][] = [];
    const extensions: unknown[][] = [];
    const relationships: unknown[][] = [];
    for (let i = from; i < to; i++) {
      const id = clientId(i);
      const admin = shape.ownUsersPerClient > 0 ? ownUserId(i, 0) : null;
      clients.push([id, clientName(i), `9${String(i).padStart(8, '0')}`, partner.id, since, 1, admin]);
      for (let j = 0; j < shape.ownUsersPerClient; j++) {
        users.push([ownUserId(i, j), `Ansatt ${j} hos ${i}`, `ansatt${j}@c${i}.example`]);
        accesses.push([id, ownUserId(i, j), j === 0 ? 'ADMINISTRATOR' : '', null]);
      }
      for (let j = 0; j < shape.partnerUsersPerClient; j++) {
        const user = partnerUsers[(i * shape.partnerUsersPerClient + j) % partnerUsers.length];
        accesses.push([id, user, 'ADMINISTRATOR', partner.id]);
      }
      for (let j = 0; j < shape.extensionsPerClient; j++) {
        extensions.push([id, `ext-${j}`, `Utvidelse ${j}`, j === 0 ? partner.id : null]);
      }
      relationships.push([id, partner.id, 'ACTIVE', since]);
    }
    await insertRows(pool, 'clients', ['id', 'name', 'organization_number', 'partner_id', 'partner_since', 'fiscal_year_start_month', 'subscription_admin_user_id'], clients);
    await insertRows(pool, 'users', ['id', 'name', 'email'], users);
    await insertRows(pool, 'client_accesses', ['client_id', 'user_id', 'roles', 'via_partner_id'], accesses);
    await insertRows(pool, 'client_extensions', ['client_id', 'key', 'name', 'owner_partner_id'], extensions);
    await insertRows(pool, 'customer_relationships', ['client_id', 'partner_id', 'status', 'partner_period_start'], relationships);
  }
  await pool.query('ANALYZE TABLE partners, users, partner_memberships, clients, client_accesses, client_extensions, customer_relationships');
  return { partnerId: partner.id, partnerCode: partner.code, adminUserId, clients: shape.clients };
}
