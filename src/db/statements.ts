import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

type ColumnMetadata = EntityMetadata['columns'][number];

/**
 * One SQL statement of a batch: its text, its parameters (mysql2's `?` placeholders; an array parameter becomes a list)
 * and how to read its result — rows for a SELECT, mysql2's result header (`insertId`, `affectedRows`) otherwise.
 */
export interface Statement<T> {
  sql: string;
  params?: unknown[];
  read: (result: any) => T;
}

/** A statement whose result nobody needs (an UPDATE, a DELETE). */
export function write(sql: string, params?: unknown[]): Statement<void> {
  return { sql, params, read: () => undefined };
}

/**
 * Runs the statements in one round trip to MySQL, in order, on `manager`'s connection (a mutation's transaction), and
 * returns each one's result. MySQL runs them one after the other and stops at the first that fails, whose error is
 * thrown; what the earlier ones wrote is then undone with the transaction. On two cores shared with MariaDB each round
 * trip costs the process a socket write and a wake-up of the server, more than building the statement does.
 */
export async function runBatch<T extends unknown[]>(manager: EntityManager, ...statements: { [K in keyof T]: Statement<T[K]> }): Promise<T> {
  if (statements.length === 0) return [] as unknown as T;
  const sql = statements.map((s) => s.sql).join(';\n');
  const params = ([] as unknown[]).concat(...statements.map((s) => s.params ?? []));
  const raw = await manager.query(sql, params);
  // mysql2 answers one statement with its result, several with the list of their results.
  const results = statements.length === 1 ? [raw] : (raw as unknown[]);
  return statements.map((s, i) => s.read(results[i])) as T;
}

/**
 * Column types whose values TypeORM's MySQL driver hydrates unchanged (no case of `prepareHydratedValue` converts them):
 * such a column without a transformer, not embedded, is set as it comes.
 */
const UNCHANGED_TYPES = new Set(['varchar', 'char', 'text', 'tinytext', 'mediumtext', 'longtext', 'varbinary', 'binary', 'blob', 'bigint', 'int', 'integer', 'smallint', 'mediumint', 'tinyint', 'decimal', 'float', 'double']);

/** A column `selectEntities` reads, and whether its value goes into the entity as it is. */
interface ReadColumn {
  column: ColumnMetadata;
  databaseName: string;
  propertyName: string;
  unchanged: boolean;
}

interface EntityColumns {
  /** The select list by table alias. */
  selectLists: Map<string, string>;
  columns: ReadColumn[];
}

const columnsOf = new WeakMap<object, EntityColumns>();

/** The columns `find` selects of an entity (neither virtual nor `select: false`), worked out once per entity and alias. */
function entityColumns(metadata: EntityMetadata, alias: string): { columns: ReadColumn[]; selectList: string } {
  let known = columnsOf.get(metadata);
  if (!known) {
    const columns = metadata.columns
      .filter((c) => !c.isVirtual && c.isSelect)
      .map((column) => ({
        column,
        databaseName: column.databaseName,
        propertyName: column.propertyName,
        unchanged: typeof column.type === 'string' && UNCHANGED_TYPES.has(column.type) && !column.transformer && !column.embeddedMetadata,
      }));
    known = { columns, selectLists: new Map() };
    columnsOf.set(metadata, known);
  }
  let selectList = known.selectLists.get(alias);
  if (selectList === undefined) {
    selectList = known.columns.map((c) => `\`${alias}\`.\`${c.databaseName}\``).join(', ');
    known.selectLists.set(alias, selectList);
  }
  return { columns: known.columns, selectList };
}

/**
 * Reads rows of an entity's table as entities without TypeORM's query builder: the statement selects every column of
 * the entity, and each row becomes an entity as TypeORM's `find` makes it — `create` as from a
 * deserializer, each value converted by `prepareHydratedValue` (dates, booleans, simple arrays, JSON, transformers) and
 * set through the column, or set as it is where the driver would not change it — so the result equals what `find`
 * returns. `rest` follows `FROM <table> <alias>` (`t` unless
 * given).
 */
export function selectEntities<T extends ObjectLiteral>(manager: EntityManager, entity: EntityTarget<T>, rest: string, params?: unknown[], alias = 't'): Statement<T[]> {
  const metadata = manager.connection.getMetadata(entity);
  const { columns, selectList } = entityColumns(metadata, alias);
  const driver = manager.connection.driver;
  return {
    sql: `SELECT ${selectList} FROM \`${metadata.tableName}\` \`${alias}\` ${rest}`,
    params,
    read: (rows: Array<Record<string, unknown>>) =>
      rows.map((row) => {
        const entityValue = metadata.create(undefined, { fromDeserializer: true }) as T;
        for (const { column, databaseName, propertyName, unchanged } of columns) {
          const value = row[databaseName];
          if (value === undefined) continue;
          if (unchanged) (entityValue as Record<string, unknown>)[propertyName] = value;
          else column.setEntityValue(entityValue, driver.prepareHydratedValue(value, column));
        }
        return entityValue;
      }),
  };
}
