import { DataSource, EntityTarget, FindOptionsOrder, FindOptionsWhere, In, ObjectLiteral } from 'typeorm';
import { Viewer } from '../../src/auth/viewer';
import { ArchiveDocument } from '../../src/archive/archive-document.entity';
import { ClientAccess } from '../../src/clients/client-access.entity';
import { ClientExtension } from '../../src/clients/client-extension.entity';
import { Client } from '../../src/clients/client.entity';
import { Loaders } from '../../src/graphql/loaders';
import { PartnerMembership } from '../../src/partners/partner-membership.entity';
import { Partner } from '../../src/partners/partner.entity';
import { CustomerRelationship } from '../../src/relationships/customer-relationship.entity';
import { ScheduledTask } from '../../src/tasks/scheduled-task.entity';
import { User } from '../../src/users/user.entity';
import { fjordEnding, END } from '../relationships/relationship-helpers';
import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';

describe("the request's loaders read rows as TypeORM's find does", () => {
  let app: TestApp;
  let dataSource: DataSource;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
    dataSource = app.opened.runtime.dataSource;
    // An ending: deactivation dates and the ending's relationship on accesses, tasks, a relationship with dates.
    expect(dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);
    await app.sql("UPDATE client_accesses SET deactivated_at = '2026-11-28 12:34:56.789' WHERE client_id = 'c-fjord' AND deactivation_date IS NOT NULL LIMIT 1");
  });
  afterAll(() => app.close());

  /** Every row's key of a table: the loaders are asked for all of them, and for one that does not exist. */
  async function keysOf(table: string, column: string): Promise<string[]> {
    return [...new Set((await app.sql(`SELECT ${column} AS k FROM ${table} WHERE ${column} IS NOT NULL`)).map((r) => String(r.k))), 'no-such-key'];
  }

  async function orm<T extends ObjectLiteral>(entity: EntityTarget<T>, key: string, keys: string[], order?: FindOptionsOrder<T>): Promise<T[]> {
    return dataSource.getRepository(entity).find({ where: { [key]: In(keys) } as FindOptionsWhere<T>, order });
  }

  it('by id: users, partners, clients, relationships — the same entities, of the same classes', async () => {
    const loaders = new Loaders(dataSource);
    for (const [loader, entity, table] of [
      [loaders.users, User, 'users'],
      [loaders.partners, Partner, 'partners'],
      [loaders.clients, Client, 'clients'],
      [loaders.relationships, CustomerRelationship, 'customer_relationships'],
    ] as const) {
      const ids = await keysOf(table, 'id');
      const loaded = await (loader as any).loadMany(ids);
      const expected = new Map((await orm(entity as EntityTarget<ObjectLiteral>, 'id', ids)).map((e) => [e.id, e]));
      expect(loaded).toStrictEqual(ids.map((id) => expected.get(id) ?? null));
      for (const row of loaded) if (row) expect(row).toBeInstanceOf(entity);
      expect(loaded.filter(Boolean).length).toBeGreaterThan(0);
    }
  });

  it('grouped: accesses and extensions by client, relationships by client, tasks and documents by relationship — same rows, same order', async () => {
    const loaders = new Loaders(dataSource);
    const cases: Array<[any, EntityTarget<ObjectLiteral>, string, string, string, FindOptionsOrder<ObjectLiteral>]> = [
      [loaders.accessesByClient, ClientAccess, 'clientId', 'client_accesses', 'client_id', { id: 'ASC' }],
      [loaders.extensionsByClient, ClientExtension, 'clientId', 'client_extensions', 'client_id', { key: 'ASC' }],
      [loaders.relationshipsByClient, CustomerRelationship, 'clientId', 'customer_relationships', 'client_id', { id: 'DESC' }],
      [loaders.tasksByRelationship, ScheduledTask, 'relationshipId', 'scheduled_tasks', 'relationship_id', { kind: 'ASC' }],
      [loaders.documentsByRelationship, ArchiveDocument, 'relationshipId', 'customer_relationships', 'id', { fiscalYear: 'ASC', kind: 'ASC' }],
    ];
    for (const [loader, entity, key, table, column, order] of cases) {
      const keys = await keysOf(table, column);
      const loaded = await loader.loadMany(keys);
      const rows = await orm(entity, key, keys, order);
      expect(loaded).toStrictEqual(keys.map((k) => rows.filter((r) => String(r[key]) === k)));
    }
    // The ending's data is among what was compared.
    const accesses = (await loaders.accessesByClient.load('c-fjord')) as ClientAccess[];
    expect(accesses.some((a) => a.deactivationDate !== null && a.deactivatedAt instanceof Date && a.deactivationRelationshipId !== null)).toBe(true);
    expect(accesses.some((a) => a.roles.length > 0)).toBe(true);
  });

  it("a request's viewer: the user and their memberships, ordered by partner, as the query builder's join read them", async () => {
    const userIds = await keysOf('users', 'id');
    let withTwoPartners = 0;
    for (const userId of userIds) {
      const viewer = await Viewer.load(dataSource, userId);
      const joined = await dataSource
        .getRepository(User)
        .createQueryBuilder('user')
        .leftJoinAndMapMany('user.memberships', PartnerMembership, 'membership', 'membership.user_id = user.id')
        .where('user.id = :userId', { userId })
        .orderBy('membership.partner_id', 'ASC')
        .getOne();
      if (!joined) {
        expect(viewer).toBeNull();
        continue;
      }
      const { memberships, ...user } = joined as User & { memberships: PartnerMembership[] };
      expect(viewer!.user).toStrictEqual(Object.assign(new User(), user));
      expect(viewer!.memberships).toStrictEqual(memberships);
      if (memberships.length > 1) withTwoPartners++;
    }
    expect(withTwoPartners).toBeGreaterThan(0);
  });
});
