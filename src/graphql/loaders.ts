import DataLoader from 'dataloader';
import { DataSource, EntityTarget, FindOptionsOrder, FindOptionsWhere, In, ObjectLiteral } from 'typeorm';
import { ArchiveDocument } from '../archive/archive-document.entity';
import { ClientAccess } from '../clients/client-access.entity';
import { ClientExtension } from '../clients/client-extension.entity';
import { Client } from '../clients/client.entity';
import { Partner } from '../partners/partner.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { ScheduledTask } from '../tasks/scheduled-task.entity';
import { User } from '../users/user.entity';

type Keyed = ObjectLiteral & { id: string };

function byId<T extends Keyed>(dataSource: DataSource, entity: EntityTarget<T>): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    // TypeScript cannot map a where clause over a type parameter; every T here has a string `id`.
    const rows = await dataSource.getRepository(entity).findBy({ id: In([...ids]) } as FindOptionsWhere<T>);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

function groupedBy<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  key: keyof T & string,
  order: FindOptionsOrder<T>,
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    // As in `byId`: `key` is a column of T, so this is a where clause of T.
    const rows = await dataSource.getRepository(entity).find({ where: { [key]: In([...keys]) } as FindOptionsWhere<T>, order });
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
  readonly accessesByClient = groupedBy(this.dataSource, ClientAccess, 'clientId', { id: 'ASC' });
  readonly extensionsByClient = groupedBy(this.dataSource, ClientExtension, 'clientId', { key: 'ASC' });
  readonly relationshipsByClient = groupedBy(this.dataSource, CustomerRelationship, 'clientId', { id: 'DESC' });
  readonly tasksByRelationship = groupedBy(this.dataSource, ScheduledTask, 'relationshipId', { kind: 'ASC' });
  readonly documentsByRelationship = groupedBy(this.dataSource, ArchiveDocument, 'relationshipId', { fiscalYear: 'ASC', kind: 'ASC' });

  /** Remembers rows a list query already read, so their fields do not read them again. */
  primeClients(clients: Client[]): void {
    for (const client of clients) this.clients.prime(client.id, client);
  }
}
