import type { Actor } from '../audit/audit.service';
import type { Viewer } from '../auth/viewer';
import { ClientAccess } from '../clients/client-access.entity';
import { Client } from '../clients/client.entity';
import type { UnitOfWork } from '../db/unit-of-work';
import { CustomerRelationship } from './customer-relationship.entity';

/** Who calls a service: the viewer (for rights) and the actor (for the audit log). */
export interface Caller {
  viewer: Viewer;
  actor: Actor;
}

/**
 * Locks the client row (SELECT ... FOR UPDATE). Every change to a client's relationship takes this lock first, so
 * concurrent changes of one client serialize instead of deadlocking (STYLE: one lock order, client row first; E11).
 */
export async function lockClient(uow: UnitOfWork, clientId: string): Promise<Client | null> {
  return uow.repo(Client).createQueryBuilder('client').setLock('pessimistic_write').where('client.id = :clientId', { clientId }).getOne();
}

/** The client's accesses, oldest first. */
export function accessesOf(uow: UnitOfWork, clientId: string): Promise<ClientAccess[]> {
  return uow.repo(ClientAccess).find({ where: { clientId }, order: { id: 'ASC' } });
}

/** The client's relationships, newest first. */
export function relationshipsOf(uow: UnitOfWork, clientId: string): Promise<CustomerRelationship[]> {
  return uow.repo(CustomerRelationship).find({ where: { clientId }, order: { id: 'DESC' } });
}
