import type { EntityManager } from 'typeorm';
import type { Actor } from '../audit/audit.service';
import type { Viewer } from '../auth/viewer';
import { ClientAccess } from '../clients/client-access.entity';
import { Client } from '../clients/client.entity';
import { CustomerRelationship } from './customer-relationship.entity';

/** Who calls a service: the viewer (for rights) and the actor (for the audit log). */
export interface Caller {
  viewer: Viewer;
  actor: Actor;
}

/**
 * Locks the client row (SELECT ... FOR UPDATE) in the transaction of `manager` and returns it; null when there is no
 * such client (or no id: a global id that names no client). The product's one lock order: **client → relationship →
 * task**. Every change to a client — its relationships, accesses, tasks, books — takes this lock first, then locks a
 * relationship, then its tasks, never the other way round, so concurrent changes of one client serialize instead of
 * deadlocking (DESIGN E11): the mutations, the task runner (`tasks/task-runner.ts`) and the SAF-T import
 * (`ledger/ledger.service.ts`) all lock through here.
 */
export async function lockClient(manager: EntityManager, clientId: string | null): Promise<Client | null> {
  if (clientId === null) return null;
  return manager.getRepository(Client).createQueryBuilder('client').setLock('pessimistic_write').where('client.id = :clientId', { clientId }).getOne();
}

/** The client's accesses, oldest first. */
export function accessesOf(manager: EntityManager, clientId: string): Promise<ClientAccess[]> {
  return manager.getRepository(ClientAccess).find({ where: { clientId }, order: { id: 'ASC' } });
}

/** The client's relationships, newest first. */
export function relationshipsOf(manager: EntityManager, clientId: string): Promise<CustomerRelationship[]> {
  return manager.getRepository(CustomerRelationship).find({ where: { clientId }, order: { id: 'DESC' } });
}
