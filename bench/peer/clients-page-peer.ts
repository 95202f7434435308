/**
 * The clients-page benchmark's peer: the same query answered from the same SQL statements by a minimal server built
 * from the fastest maintained parts — Fastify, Mercurius with graphql-jit (compiled queries), mysql2, DataLoader — with
 * the same bearer token check (HS256 JWT), the same opaque ids and the same response. No ORM, no request pipeline of the
 * product's (limits, cost, metrics, logging). Run as a child process by bench/clients-page.ts; `GET /readyz` answers
 * once it listens.
 *
 * Environment: PEER_DATABASE_URL, PORT, PEER_JWT_SECRET, PEER_ID_KEY (hex of the installation's id key).
 */
import DataLoader from 'dataloader';
import Fastify from 'fastify';
import { jwtVerify } from 'jose';
import mercurius from 'mercurius';
import mysql from 'mysql2/promise';
import { isAccessActive } from '../../src/access/access-rules';
import type { ClientAccess } from '../../src/clients/client-access.entity';
import { osloToday, systemClock } from '../../src/common/clock';
import { toGlobalId, useGlobalIdKey } from '../../src/common/global-id';
import { decodeCursor, encodeCursor } from '../../src/common/pages';

const schema = `
type Query { clients(first: Int, after: String): ClientConnection! }
type ClientConnection { totalCount: Int! pageInfo: PageInfo! edges: [ClientEdge!]! }
type PageInfo { hasNextPage: Boolean! endCursor: String }
type ClientEdge { cursor: String! node: Client! }
type Partner { id: ID! name: String! partnerCode: String! }
type User { id: ID! name: String! email: String! }
type Client {
  id: ID! name: String! organizationNumber: String! partnerCode: String partnerSince: String
  partner: Partner subscriptionAdmin: User users: [ClientUser!]! extensions: [ClientExtension!]!
}
type ClientUser { user: User! roles: [String!]! isSubscriptionAdmin: Boolean! viaPartner: Partner deactivationDate: String active: Boolean! }
type ClientExtension { key: String! name: String! ownerPartner: Partner }
`;

interface ClientRow { id: string; name: string; organization_number: string; partner_id: string | null; partner_since: string | null; subscription_admin_user_id: string | null }
interface AccessRow { id: string; client_id: string; user_id: string; roles: string; via_partner_id: string | null; deactivation_date: string | null; deactivated_at: string | null; client: ClientRow }
interface ExtensionRow { key: string; name: string; owner_partner_id: string | null; client_id: string }
interface Row { id: string; [column: string]: unknown }

async function main(): Promise<void> {
  const pool = mysql.createPool({ uri: process.env.PEER_DATABASE_URL!, connectionLimit: 10, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true });
  const jwtKey = new TextEncoder().encode(process.env.PEER_JWT_SECRET!);
  useGlobalIdKey(Buffer.from(process.env.PEER_ID_KEY!, 'hex'), { acceptLegacy: false });

  const rows = async <T>(sql: string, values: unknown[]): Promise<T[]> => (await pool.query(sql, values))[0] as T[];
  const byId = <T extends Row>(table: string) =>
    new DataLoader<string, T | null>(async (ids) => {
      const found = new Map((await rows<T>(`SELECT * FROM \`${table}\` WHERE id IN (?)`, [ids])).map((r) => [r.id, r]));
      return ids.map((id) => found.get(id) ?? null);
    });
  const grouped = <T extends { client_id: string }>(table: string, order: string) =>
    new DataLoader<string, T[]>(async (keys) => {
      const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
      for (const row of await rows<T>(`SELECT * FROM \`${table}\` WHERE client_id IN (?) ORDER BY ${order}`, [keys])) groups.get(row.client_id)!.push(row);
      return keys.map((k) => groups.get(k)!);
    });

  const app = Fastify();
  app.get('/readyz', async () => ({ ok: true }));
  await app.register(mercurius, {
    schema,
    jit: 1,
    context: async (request) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      const { payload } = await jwtVerify(token ?? '', jwtKey, { algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
      // The viewer and their memberships in one statement, as the product reads them.
      const viewer = await rows<{ id: string; partner_id: string | null }>(
        'SELECT u.*, m.partner_id, m.rights FROM users u LEFT JOIN partner_memberships m ON m.user_id = u.id WHERE u.id = ? ORDER BY m.partner_id',
        [payload.sub],
      );
      if (viewer.length === 0) throw new Error('unknown user');
      return {
        partnerIds: viewer.flatMap((m) => (m.partner_id ? [m.partner_id] : [])),
        today: osloToday(systemClock),
        partners: byId<Row>('partners'),
        users: byId<Row>('users'),
        accesses: grouped<AccessRow>('client_accesses', 'id'),
        extensions: grouped<ExtensionRow>('client_extensions', '`key`'),
      };
    },
    resolvers: {
      Query: {
        async clients(_root: unknown, args: { first?: number | null; after?: string | null }, ctx: any) {
          const size = args.first ?? 50;
          const after = args.after ? decodeCursor(args.after, ['string', 'string']) : null;
          const ids = await rows<{ id: string }>(
            `SELECT id FROM clients FORCE INDEX (idx_clients_partner_name) WHERE partner_id IN (?)${after ? ' AND (name > ? OR (name = ? AND id > ?))' : ''} ORDER BY name, id LIMIT ?`,
            after ? [ctx.partnerIds, after[0], after[0], after[1], size + 1] : [ctx.partnerIds, size + 1],
          );
          const byKey = new Map((ids.length ? await rows<ClientRow>('SELECT * FROM clients WHERE id IN (?)', [ids.map((r) => r.id)]) : []).map((c) => [c.id, c]));
          const page = ids.slice(0, size).map((r) => byKey.get(r.id)!);
          const edges = page.map((node) => ({ cursor: encodeCursor([node.name, node.id]), node }));
          return {
            edges,
            totalCount: async () => {
              const [row] = await rows<{ n: string | null }>('SELECT SUM(`clients`) AS n FROM `partner_client_counts` WHERE `partner_id` IN (?)', [ctx.partnerIds]);
              return Number(row?.n ?? 0);
            },
            pageInfo: { hasNextPage: ids.length > size, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
          };
        },
      },
      ClientConnection: { totalCount: (c: { totalCount: () => Promise<number> }) => c.totalCount() },
      Partner: { id: (p: Row) => toGlobalId('Partner', p.id), partnerCode: (p: Row) => p.partner_code },
      User: { id: (u: Row) => toGlobalId('User', u.id) },
      Client: {
        id: (c: ClientRow) => toGlobalId('Client', c.id),
        organizationNumber: (c: ClientRow) => c.organization_number,
        partnerSince: (c: ClientRow) => c.partner_since,
        partnerCode: async (c: ClientRow, _a: unknown, ctx: any) => (c.partner_id ? ((await ctx.partners.load(c.partner_id))?.partner_code ?? null) : null),
        partner: (c: ClientRow, _a: unknown, ctx: any) => (c.partner_id ? ctx.partners.load(c.partner_id) : null),
        subscriptionAdmin: (c: ClientRow, _a: unknown, ctx: any) => (c.subscription_admin_user_id ? ctx.users.load(c.subscription_admin_user_id) : null),
        users: async (c: ClientRow, _a: unknown, ctx: any) => (await ctx.accesses.load(c.id)).map((a: AccessRow) => ({ ...a, client: c })),
        extensions: (c: ClientRow, _a: unknown, ctx: any) => ctx.extensions.load(c.id),
      },
      ClientUser: {
        user: (a: AccessRow, _a: unknown, ctx: any) => ctx.users.load(a.user_id),
        roles: (a: AccessRow) => (a.roles ? a.roles.split(',') : []),
        isSubscriptionAdmin: (a: AccessRow) => a.client.subscription_admin_user_id === a.user_id,
        viaPartner: (a: AccessRow, _a: unknown, ctx: any) => (a.via_partner_id ? ctx.partners.load(a.via_partner_id) : null),
        deactivationDate: (a: AccessRow) => a.deactivation_date,
        active: (a: AccessRow, _a: unknown, ctx: any) =>
          isAccessActive({ userId: a.user_id, deactivationDate: a.deactivation_date, deactivatedAt: a.deactivated_at } as unknown as ClientAccess, a.client.subscription_admin_user_id, ctx.today),
      },
      ClientExtension: { ownerPartner: (e: ExtensionRow, _a: unknown, ctx: any) => (e.owner_partner_id ? ctx.partners.load(e.owner_partner_id) : null) },
    },
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
  const stop = () => void app.close().then(() => pool.end()).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
