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

  it('are all applied and can be reverted and applied again', async () => {
    const { dataSource } = app.opened.runtime;
    const applied = await app.sql<{ name: string }>('SELECT name FROM migrations ORDER BY id');
    expect(applied.map((m) => m.name)).toEqual(dataSource.migrations.map((m) => m.name));
    for (let i = 0; i < applied.length; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await app.sql("SHOW TABLES LIKE 'clients'")).toEqual([]);
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await app.sql("SHOW TABLES LIKE 'clients'")).toHaveLength(1);
  });
});
