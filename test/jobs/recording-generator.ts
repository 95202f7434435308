import type { DataSource } from 'typeorm';
import type { Clock } from '../../src/common/clock';
import type { MandatoryDataGenerator } from '../../src/archive/mandatory-data';

type Sql = (query: string, params?: unknown[]) => Promise<unknown>;

/**
 * A stand-in for the SAF-T generator: records one document row per relationship, idempotently (INSERT IGNORE on
 * the unique key relationship/kind/year), as the real generator must be.
 */
export function recordingGenerator(app: { sql: Sql; clock: Clock }, calls: string[] = []): MandatoryDataGenerator & { calls: string[] } {
  return {
    calls,
    async generate(relationshipId) {
      calls.push(relationshipId);
      await app.sql(
        `INSERT IGNORE INTO archive_documents (relationship_id, client_id, kind, fiscal_year, fiscal_year_end, file_name, content_type, byte_size, sha256, storage_key, created_at)
         SELECT id, client_id, 'SAFT_FINANCIAL', 2026, '2026-12-31', 'saft.xml', 'application/xml', 1, REPEAT('0', 64), CONCAT('k/', id), ? FROM customer_relationships WHERE id = ?`,
        [app.clock.now(), relationshipId],
      );
    },
  };
}

/** Makes a recording generator for a runtime being built, recording through its own connections into `calls`. */
export function recordingGeneratorFactory(calls: string[] = []): (deps: { dataSource: DataSource; clock: Clock }) => MandatoryDataGenerator & { calls: string[] } {
  return ({ dataSource, clock }) => recordingGenerator({ sql: (query, params) => dataSource.query(query, params), clock }, calls);
}
