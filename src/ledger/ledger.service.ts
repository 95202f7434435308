import type { Statement } from '../db/statements';
import * as fs from 'node:fs';
import type { DataSource, EntityManager } from 'typeorm';
import { NotFoundError } from '../common/domain-errors';
import type { UnitOfWork } from '../db/unit-of-work';
import { lockClient } from '../relationships/client-lock';
import { readSaft, type SaftReadSummary } from '../saft';
import { LedgerImportSink } from './ledger-import';
import { LedgerAccount } from './ledger.entities';

/** An account whose grouping was derived from its number, not read from the file (the ending preview warns). */
export interface DerivedGroupingAccount {
  accountId: string;
  description: string;
  groupingCategory: string;
  groupingCode: string;
}

/** The client named for an import does not exist (the CLI prints it and writes nothing). */
export class UnknownClientError extends NotFoundError {
  override name = 'UnknownClientError';
  constructor(readonly clientId: string) {
    super(`No client "${clientId}".`);
  }
}

/** A client's books: importing SAF-T files into them and questions about them. */
export class LedgerService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Imports one SAF-T Financial file (1.10, 1.20 or 1.30) into the client's books, streamed, in the caller's
   * transaction. The client row is locked first (one import per client at a time; `lockClient`'s lock order). The header's
   * organisation number must be the client's. Throws `SaftFormatError` (with line and column) on the first problem:
   * the caller's transaction then rolls back and nothing is written.
   */
  async importSaftFile(uow: UnitOfWork, clientId: string, file: string): Promise<SaftReadSummary> {
    const manager = uow.manager;
    const client = await lockClient(manager, clientId);
    if (!client) throw new UnknownClientError(clientId);
    const sink = new LedgerImportSink(manager, clientId);
    const input = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
    try {
      const summary = await readSaft(input, sink, { expectedOrganizationNumber: client.organizationNumber });
      await sink.finish();
      return summary;
    } catch (error) {
      // A batch may still be being written: let it end before the caller rolls back.
      await sink.abandon();
      throw error;
    } finally {
      input.destroy();
    }
  }

  /**
   * The ids of the client's accounts whose grouping was derived, ordered, as a statement of the caller's batch (an
   * ending reads them with everything else it reads, in one round trip).
   */
  derivedGroupingAccountIds(clientId: string): Statement<string[]> {
    return {
      sql: 'SELECT account_id FROM ledger_accounts WHERE client_id = ? AND grouping_derived = 1 ORDER BY account_id ASC',
      params: [clientId],
      read: (rows: Array<{ account_id: string }>) => rows.map((r) => r.account_id),
    };
  }

  /** The client's accounts whose grouping was derived (files before 1.30, or none given), by account id. */
  async derivedGroupingAccounts(clientId: string, manager: EntityManager = this.dataSource.manager): Promise<DerivedGroupingAccount[]> {
    const rows = await manager.getRepository(LedgerAccount).find({
      where: { clientId, groupingDerived: true },
      order: { accountId: 'ASC' },
    });
    return rows.map(({ accountId, description, groupingCategory, groupingCode }) => ({ accountId, description, groupingCategory, groupingCode }));
  }
}
