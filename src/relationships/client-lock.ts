import type { EntityManager } from 'typeorm';
import { Client } from '../clients/client.entity';

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

