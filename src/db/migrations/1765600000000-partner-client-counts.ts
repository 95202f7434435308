import { MigrationInterface, QueryRunner } from 'typeorm';
import { binaryCollation } from './1764900000000-binary-ids';

/** The shard of a client's row in `partner_client_counts`, as SQL over the client row `row` (NEW or OLD). */
const shardOf = (row: string) => `CRC32(${row}.\`id\`) % 8`;

/** One more client of the partner in `row`'s shard (the shard's row is made when it has none yet). */
const increment = (row: string) =>
  `INSERT INTO \`partner_client_counts\` (\`partner_id\`, \`shard\`, \`clients\`) VALUES (${row}.\`partner_id\`, ${shardOf(row)}, 1)
     ON DUPLICATE KEY UPDATE \`clients\` = \`clients\` + 1`;

/**
 * One client fewer. An UPDATE, never an INSERT: the client was counted, so its shard's row exists — unless the
 * counts were emptied before the clients (a test emptying every table), and then there is nothing to take from.
 */
const decrement = (row: string) =>
  `UPDATE \`partner_client_counts\` SET \`clients\` = \`clients\` - 1 WHERE \`partner_id\` = ${row}.\`partner_id\` AND \`shard\` = ${shardOf(row)}`;

/**
 * A maintained count of each partner's linked clients, so `clients { totalCount }` reads at most eight rows instead
 * of counting the partner's index entries (100,000 for a large partner).
 *
 * - `partner_client_counts(partner_id, shard, clients)`: the count spread over eight rows per partner
 *   (`CRC32(client id) % 8`), so that endings of one partner's clients, which each take the row of their shard until
 *   they commit, rarely wait for each other.
 * - Triggers on `clients` keep it exact for every insert, delete and change of `partner_id`, whichever code path makes
 *   it. A partner deleted takes its rows with it (foreign key); its clients' `partner_id` is set to NULL by the
 *   clients' own foreign key, which fires no trigger and needs none.
 * - The back-fill counts the clients there are.
 */
export class PartnerClientCounts1765600000000 implements MigrationInterface {
  name = 'PartnerClientCounts1765600000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    const bin = `CHARACTER SET utf8mb4 COLLATE ${await binaryCollation(queryRunner)}`;
    await queryRunner.query(
      `CREATE TABLE \`partner_client_counts\` (\`partner_id\` varchar(64) ${bin} NOT NULL, \`shard\` tinyint UNSIGNED NOT NULL,
         \`clients\` int NOT NULL, PRIMARY KEY (\`partner_id\`, \`shard\`),
         CONSTRAINT \`FK_partner_client_counts_partner\` FOREIGN KEY (\`partner_id\`) REFERENCES \`partners\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TRIGGER \`trg_clients_count_insert\` AFTER INSERT ON \`clients\` FOR EACH ROW
         BEGIN IF NEW.\`partner_id\` IS NOT NULL THEN ${increment('NEW')}; END IF; END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER \`trg_clients_count_update\` AFTER UPDATE ON \`clients\` FOR EACH ROW
         BEGIN
           IF NOT (OLD.\`partner_id\` <=> NEW.\`partner_id\`) OR CAST(OLD.\`id\` AS BINARY) <> CAST(NEW.\`id\` AS BINARY) THEN
             IF OLD.\`partner_id\` IS NOT NULL THEN ${decrement('OLD')}; END IF;
             IF NEW.\`partner_id\` IS NOT NULL THEN ${increment('NEW')}; END IF;
           END IF;
         END`,
    );
    await queryRunner.query(
      `CREATE TRIGGER \`trg_clients_count_delete\` AFTER DELETE ON \`clients\` FOR EACH ROW
         BEGIN IF OLD.\`partner_id\` IS NOT NULL THEN ${decrement('OLD')}; END IF; END`,
    );
    await queryRunner.query(
      `INSERT INTO \`partner_client_counts\` (\`partner_id\`, \`shard\`, \`clients\`)
         SELECT \`partner_id\`, CRC32(\`id\`) % 8, COUNT(*) FROM \`clients\` WHERE \`partner_id\` IS NOT NULL GROUP BY 1, 2`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER IF EXISTS `trg_clients_count_delete`');
    await queryRunner.query('DROP TRIGGER IF EXISTS `trg_clients_count_update`');
    await queryRunner.query('DROP TRIGGER IF EXISTS `trg_clients_count_insert`');
    await queryRunner.query('DROP TABLE IF EXISTS `partner_client_counts`');
  }
}
