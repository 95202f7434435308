import { migrate } from '../../src/boot';
import { createDataSource } from '../../src/db/data-source';
import { startTestApp, TestApp } from '../support/test-app';

/** Columns, indexes and foreign keys of a database, as the server reports them. */
async function shapeOf(app: TestApp, database: string) {
  const columns = await app.sql(
    `SELECT TABLE_NAME t, COLUMN_NAME c, COLUMN_TYPE type, IS_NULLABLE nullable, COLUMN_DEFAULT dflt, EXTRA extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> 'migrations' ORDER BY t, c`,
    [database],
  );
  const indexes = await app.sql(
    `SELECT TABLE_NAME t, INDEX_NAME i, NON_UNIQUE non_unique, GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX) cols
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> 'migrations' GROUP BY t, i, non_unique ORDER BY t, i`,
    [database],
  );
  const foreignKeys = await app.sql(
    `SELECT k.TABLE_NAME t, k.CONSTRAINT_NAME fk, GROUP_CONCAT(k.COLUMN_NAME) cols, k.REFERENCED_TABLE_NAME ref, r.DELETE_RULE on_delete
       FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.TABLE_SCHEMA = ? GROUP BY t, fk, ref, on_delete ORDER BY t, fk`,
    [database],
  );
  return { columns, indexes, foreignKeys };
}

/** The columns that compare byte for byte (migration BinaryIds1764900000000), as `table.column`. */
const BINARY_COLUMNS = [
  'partners.id', 'partners.partner_code', 'partners.organization_number',
  'users.id',
  'clients.id', 'clients.organization_number', 'clients.partner_id', 'clients.subscription_admin_user_id',
  'customer_relationships.client_organization_number',
  'customer_relationships.client_id', 'customer_relationships.partner_id', 'customer_relationships.ended_by_user_id',
  'archive_documents.client_id', 'archive_documents.sha256', 'archive_documents.storage_key', 'archive_documents.uploaded_by_user_id',
  'archive_uploads.client_id', 'archive_uploads.sha256', 'archive_uploads.created_by_user_id', 'archive_uploads.received_key',
  'archive_exports.requested_by_user_id', 'archive_exports.sha256', 'archive_exports.storage_key',
  'audit_events.client_id', 'audit_events.actor_user_id', 'audit_events.request_id',
  'client_accesses.client_id', 'client_accesses.user_id', 'client_accesses.via_partner_id',
  'client_extensions.client_id', 'client_extensions.key', 'client_extensions.owner_partner_id',
  'idempotency_records.user_id', 'idempotency_records.operation', 'idempotency_records.idempotency_key', 'idempotency_records.request_hash',
  'notifications.user_id', 'notifications.client_id', 'notifications.dedupe_key',
  'partner_memberships.user_id', 'partner_memberships.partner_id', 'partner_client_counts.partner_id',
  'api_keys.partner_id', 'api_keys.prefix', 'api_keys.created_by_user_id',
  'webhook_endpoints.partner_id', 'webhook_endpoints.created_by_user_id', 'webhook_events.partner_id',
  ...['accounts', 'parties', 'opening_balances', 'tax_codes', 'analysis_types', 'journals', 'transactions'].map((t) => `ledger_${t}.client_id`),
].sort();

/** Binary collations that do not pad: MariaDB's and MySQL 8's. */
const NO_PAD_BINARY = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];

// DDL is slow while other suites load the database server.
jest.setTimeout(120_000);

describe('migrations', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('build exactly the schema the entities describe (compared with a database synchronized from the entities)', async () => {
    const reference = `${app.databaseName}_entities`;
    await app.sql(`CREATE DATABASE \`${reference}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci`);
    const url = new URL(app.opened.runtime.config.databaseUrl);
    url.pathname = `/${reference}`;
    const synchronized = createDataSource({ databaseUrl: url.toString() });
    try {
      await synchronized.initialize();
      await synchronized.synchronize();
      const [migrated, expected] = [await shapeOf(app, app.databaseName), await shapeOf(app, reference)];
      expect(migrated.columns).toEqual(expected.columns);
      expect(migrated.indexes).toEqual(expected.indexes);
      expect(migrated.foreignKeys).toEqual(expected.foreignKeys);
      expect(migrated.columns.length).toBeGreaterThan(50);
    } finally {
      if (synchronized.isInitialized) await synchronized.destroy();
      await app.sql(`DROP DATABASE IF EXISTS \`${reference}\``);
    }
  });

  it("take turns per database: the lock of another database on the server does not hold them up, their own database's lock does", async () => {
    const other = `${app.databaseName}_other`;
    await app.sql(`CREATE DATABASE \`${other}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_danish_ci`);
    const url = new URL(app.opened.runtime.config.databaseUrl);
    url.pathname = `/${other}`;
    const fresh = createDataSource({ databaseUrl: url.toString() });
    const holder = app.opened.runtime.dataSource.createQueryRunner();
    await holder.connect();
    const lockOf = (database: string) => holder.query("SELECT GET_LOCK(CONCAT('klientadmin.migrations.', LEFT(SHA1(?), 32)), 0) AS locked", [database]);
    try {
      await fresh.initialize();
      // This database's lock held elsewhere: migrating `other` goes ahead at once.
      expect(Number((await lockOf(app.databaseName))[0].locked)).toBe(1);
      await migrate(fresh);
      expect(await fresh.showMigrations()).toBe(false);
      await holder.query('SELECT RELEASE_ALL_LOCKS()');
      // `other`'s own lock held: migrating it (nothing left to apply) waits until the lock is let go.
      expect(Number((await lockOf(other))[0].locked)).toBe(1);
      let done = false;
      const migrating = migrate(fresh).then(() => (done = true));
      await new Promise((r) => setTimeout(r, 1500));
      expect(done).toBe(false);
      await holder.query('SELECT RELEASE_ALL_LOCKS()');
      await migrating;
      expect(done).toBe(true);
    } finally {
      await holder.query('SELECT RELEASE_ALL_LOCKS()').catch(() => undefined);
      await holder.release();
      if (fresh.isInitialized) await fresh.destroy();
      await app.sql(`DROP DATABASE IF EXISTS \`${other}\``);
    }
  });

  it('are all applied and can be reverted and applied again', async () => {
    const { dataSource } = app.opened.runtime;
    const applied = await app.sql<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((m) => m.name)).toEqual(dataSource.migrations.map((m) => m.name));
    for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await app.sql("SHOW TABLES LIKE 'clients'")).toEqual([]);
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await app.sql("SHOW TABLES LIKE 'clients'")).toHaveLength(1);
  });

  /** `table.column` by collation, for the text columns apart from JSON ones (whose collation the server fixes). */
  async function columnsByCollation(): Promise<Record<string, string[]>> {
    const json = new Set(app.opened.runtime.dataSource.entityMetadatas.flatMap((m) => m.columns.filter((c) => c.type === 'json').map((c) => `${m.tableName}.${c.databaseName}`)));
    const rows = await app.sql<{ t: string; c: string; collation: string }>(
      `SELECT TABLE_NAME t, COLUMN_NAME c, COLLATION_NAME collation FROM information_schema.COLUMNS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> 'migrations' AND COLLATION_NAME IS NOT NULL ORDER BY t, c`,
      [app.databaseName],
    );
    const byCollation: Record<string, string[]> = {};
    for (const { t, c, collation } of rows) if (!json.has(`${t}.${c}`)) (byCollation[collation] ??= []).push(`${t}.${c}`);
    for (const columns of Object.values(byCollation)) columns.sort();
    return byCollation;
  }

  /** Undoes the migrations from the newest down to and including the one named. */
  async function undoDownTo(name: string): Promise<void> {
    const { dataSource } = app.opened.runtime;
    while ((await app.sql('SELECT name FROM migrations WHERE name = ?', [name])).length > 0) await dataSource.undoLastMigration({ transaction: 'each' });
  }

  it('ids, keys and codes compare byte for byte without padding, names and free text the Danish way; down gives the columns back their Danish collation', async () => {
    const { dataSource } = app.opened.runtime;
    const migrated = await columnsByCollation();
    const binary = NO_PAD_BINARY.find((c) => migrated[c]);
    expect(binary).toBeDefined();
    expect(migrated[binary!]).toEqual(BINARY_COLUMNS);
    expect(Object.keys(migrated).sort()).toEqual([binary, 'utf8mb4_danish_ci'].sort());
    expect(migrated.utf8mb4_danish_ci).toEqual(expect.arrayContaining(['clients.name', 'users.name', 'users.email', 'partners.name', 'client_extensions.name']));

    await undoDownTo('BinaryIds1764900000000');
    expect(Object.keys(await columnsByCollation())).toEqual(['utf8mb4_danish_ci']);
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await columnsByCollation()).toEqual(migrated);
  });

  it('a reference that finds its row only in another case stops the binary-ids migration before it changes anything', async () => {
    const { dataSource } = app.opened.runtime;
    await undoDownTo('BinaryIds1764900000000');
    const before = await columnsByCollation();
    try {
      await app.sql("INSERT INTO users (id, name, email) VALUES ('u-kari', 'Kari Nordmann', 'kari@nordlys.example')");
      await app.sql("INSERT INTO partners (id, name, partner_code) VALUES ('p-nordlys', 'Nordlys Regnskap AS', 'Nordlys')");
      await app.sql("INSERT INTO clients (id, name, organization_number) VALUES ('c-fjord', 'Fjord Bakeri AS', '987654321')");
      // The Danish collation lets the foreign key take U-KARI for u-kari.
      await app.sql("INSERT INTO client_accesses (client_id, user_id, roles) VALUES ('c-fjord', 'U-KARI', '')");
      await expect(dataSource.runMigrations({ transaction: 'each' })).rejects.toThrow(/client_accesses\.user_id: 1 row\(s\) name a users\.id only in another case/);
      expect(await columnsByCollation()).toEqual(before);
      expect(await app.sql("SELECT partner_code FROM partners")).toEqual([{ partner_code: 'Nordlys' }]);
      expect((await app.sql<{ name: string }>('SELECT name FROM migrations')).map((m) => m.name)).not.toContain('BinaryIds1764900000000');

      await app.sql("UPDATE client_accesses SET user_id = 'u-kari'");
      await dataSource.runMigrations({ transaction: 'each' });
      // Codes are kept upper case: linkClientToPartner upper-cases what people type.
      expect(await app.sql("SELECT partner_code FROM partners")).toEqual([{ partner_code: 'NORDLYS' }]);
      expect(await app.sql("SELECT id FROM users WHERE id = 'U-KARI' OR id = 'u-kari ' OR id = 'u-kari\0'")).toEqual([]);
    } finally {
      for (const table of ['client_accesses', 'clients', 'partners', 'users']) await app.sql(`DELETE FROM \`${table}\``);
      await dataSource.runMigrations({ transaction: 'each' });
    }
  });
});
