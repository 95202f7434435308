import DataLoader from 'dataloader';
import { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { ArchiveDocument } from '../archive/archive-document.entity';
import { ClientAccess } from '../clients/client-access.entity';
import { ClientExtension } from '../clients/client-extension.entity';
import { Client } from '../clients/client.entity';
import { runBatch, selectEntities } from '../db/statements';
import { Partner } from '../partners/partner.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ScheduledTask } from '../tasks/scheduled-task.entity';
import { User } from '../users/user.entity';

type Keyed = ObjectLiteral & { id: string };
const quoted = (name: string) => `\`${name}\``;

/**
 * An entity's rows by one column, read with SQL built once from the entity's metadata and hydrated as `find` hydrates
 * them (`selectEntities`): the same entities as `find`, without building the query and mapping the result through
 * the query builder for every batch of every request — a page of clients reads hundreds of rows through these loaders.
 */
export class RowReader<T extends ObjectLiteral> {
  private readonly metadata: EntityMetadata;

  constructor(
    private readonly dataSource: DataSource,
    private readonly entity: EntityTarget<T>,
  ) {
    this.metadata = dataSource.getMetadata(entity);
  }

  /** The rows whose `property` is one of `keys`, in `order` (properties, as `find`'s order names them). */
  async where(property: keyof T & string, keys: readonly string[], order: Array<[keyof T & string, 'ASC' | 'DESC']>): Promise<T[]> {
    const orderBy = order.map(([p, direction]) => `t.${quoted(this.columnNamed(p))} ${direction}`).join(', ');
    const manager = this.dataSource.manager;
    const [rows] = await runBatch(manager, selectEntities(manager, this.entity, `WHERE t.${quoted(this.columnNamed(property))} IN (?)${orderBy ? ` ORDER BY ${orderBy}` : ''}`, [keys]));
    return rows;
  }

  private columnNamed(property: string): string {
    const column = this.metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${this.metadata.name} has no column ${property}`);
    return column.databaseName;
  }
}

/** The readers of a data source, made once per entity (the loaders are made per request). */
const readers = new WeakMap<DataSource, Map<EntityTarget<ObjectLiteral>, RowReader<ObjectLiteral>>>();

function readerOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>): RowReader<T> {
  let ofSource = readers.get(dataSource);
  if (!ofSource) readers.set(dataSource, (ofSource = new Map()));
  let reader = ofSource.get(entity as EntityTarget<ObjectLiteral>);
  if (!reader) ofSource.set(entity as EntityTarget<ObjectLiteral>, (reader = new RowReader<ObjectLiteral>(dataSource, entity as EntityTarget<ObjectLiteral>)));
  return reader as unknown as RowReader<T>;
}

function byId<T extends Keyed>(dataSource: DataSource, entity: EntityTarget<T>): DataLoader<string, T | null> {
  const reader = readerOf(dataSource, entity);
  return new DataLoader(async (ids) => {
    const rows = await reader.where('id', ids, []);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

function groupedBy<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  key: keyof T & string,
  order: Array<[keyof T & string, 'ASC' | 'DESC']>,
): DataLoader<string, T[]> {
  const reader = readerOf(dataSource, entity);
  return new DataLoader(async (keys) => {
    const rows = await reader.where(key, keys, order);
    const groups = new Map<string, T[]>(keys.map((k) => [k, []]));
    for (const row of rows) groups.get(String(row[key]))?.push(row);
    return keys.map((k) => groups.get(k)!);
  });
}

/**
 * Per-request batch loaders: a page of clients with their users, partners and extensions costs the same number of
 * SQL statements whatever its size.
 */
export class Loaders {
  constructor(private readonly dataSource: DataSource) {}

  readonly users = byId(this.dataSource, User);
  readonly partners = byId(this.dataSource, Partner);
  readonly clients = byId(this.dataSource, Client);
  readonly relationships = byId(this.dataSource, CustomerRelationship);
  readonly accessesByClient = groupedBy(this.dataSource, ClientAccess, 'clientId', [['id', 'ASC']]);
  readonly extensionsByClient = groupedBy(this.dataSource, ClientExtension, 'clientId', [['key', 'ASC']]);
  readonly relationshipsByClient = groupedBy(this.dataSource, CustomerRelationship, 'clientId', [['id', 'DESC']]);
  readonly tasksByRelationship = groupedBy(this.dataSource, ScheduledTask, 'relationshipId', [['kind', 'ASC']]);
  readonly documentsByRelationship = groupedBy(this.dataSource, ArchiveDocument, 'relationshipId', [['fiscalYear', 'ASC'], ['kind', 'ASC']]);

  /** Remembers rows a list query already read, so their fields do not read them again. */
  primeClients(clients: Client[]): void {
    for (const client of clients) this.clients.prime(client.id, client);
  }
}
