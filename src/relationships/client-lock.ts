import type { EntityManager } from 'typeorm';
import { Client } from '../clients/client.entity';
import { runBatch, selectEntities, Statement } from '../db/statements';

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
  const [client] = await runBatch(manager, lockClientStatement(manager, clientId));
  return client;
}

/**
 * `lockClient` as the first statement of a batch (`runBatch`): what follows it in the batch runs with the lock held.
 */
export function lockClientStatement(manager: EntityManager, clientId: string): Statement<Client | null> {
  const select = selectEntities(manager, Client, 'WHERE t.id = ? FOR UPDATE', [clientId]);
  return { ...select, read: (rows) => select.read(rows)[0] ?? null };
}
