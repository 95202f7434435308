import { MigrationInterface, QueryRunner } from 'typeorm';
import { binaryCollation } from './1764900000000-binary-ids';

/**
 * Documentation uploaded into archive folders, and archive folders exported as BagIt packages (DESIGN S8, S9).
 *
 * - `archive_documents` learns where a document came from (`source`, `uploaded_by_user_id`, `original_file_name`).
 *   Its unique key (relationship, kind, fiscal year), which the generation's upsert relies on, gets `upload_id` as a
 *   fourth column: 0 for generated documents, so for those it means what it meant, while a folder may hold any number
 *   of uploaded documents of one kind.
 * - `archive_uploads`: reserved uploads, their declared size and SHA-256, where the accepted PUT put the bytes, and the
 *   document each became. Stored names are unique per folder.
 * - `archive_exports` and `archive_export_relationships`: background exports, as rows (the truth) that BullMQ jobs
 *   only trigger.
 *
 * Ids, keys, digests and storage keys compare byte for byte, as the binary-ids migration made the others; file names
 * keep the Danish collation, so two names that differ only in case are one name in a folder, as on the file systems
 * that do not tell them apart.
 */
export class ArchiveUploadsAndExports1765100000000 implements MigrationInterface {
  name = 'ArchiveUploadsAndExports1765100000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    const bin = `CHARACTER SET utf8mb4 COLLATE ${await binaryCollation(queryRunner)}`;
    await queryRunner.query(
      `ALTER TABLE \`archive_documents\` ADD \`source\` varchar(16) NOT NULL DEFAULT 'GENERATED', ADD \`upload_id\` bigint UNSIGNED NOT NULL DEFAULT '0',
         ADD \`uploaded_by_user_id\` varchar(64) ${bin} NULL, ADD \`original_file_name\` varchar(1000) NULL,
         DROP INDEX \`uq_archive_documents_relationship_kind_year\`,
         ADD UNIQUE INDEX \`uq_archive_documents_relationship_kind_year_upload\` (\`relationship_id\`, \`kind\`, \`fiscal_year\`, \`upload_id\`),
         ADD CONSTRAINT \`FK_db726e3880962a3c89e7883872b\` FOREIGN KEY (\`uploaded_by_user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE \`archive_uploads\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`relationship_id\` bigint UNSIGNED NOT NULL,
         \`client_id\` varchar(64) ${bin} NOT NULL, \`fiscal_year\` smallint UNSIGNED NOT NULL, \`fiscal_year_end\` date NOT NULL,
         \`kind\` varchar(32) NOT NULL, \`file_name\` varchar(255) NOT NULL, \`original_file_name\` varchar(1000) NOT NULL,
         \`content_type\` varchar(100) NOT NULL, \`byte_size\` bigint UNSIGNED NOT NULL, \`sha256\` char(64) ${bin} NOT NULL,
         \`created_by_user_id\` varchar(64) ${bin} NOT NULL, \`created_at\` datetime(3) NOT NULL, \`expires_at\` datetime(3) NOT NULL,
         \`received_key\` varchar(512) ${bin} NULL, \`received_at\` datetime(3) NULL, \`completed_at\` datetime(3) NULL,
         \`document_id\` bigint UNSIGNED NULL,
         INDEX \`idx_archive_uploads_pending\` (\`completed_at\`, \`expires_at\`),
         UNIQUE INDEX \`uq_archive_uploads_folder_name\` (\`relationship_id\`, \`fiscal_year\`, \`file_name\`), PRIMARY KEY (\`id\`),
         CONSTRAINT \`FK_03ac00eac6cdb54305c7a84e1d5\` FOREIGN KEY (\`relationship_id\`) REFERENCES \`customer_relationships\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION,
         CONSTRAINT \`FK_a0585796ca2298709dd2f23d422\` FOREIGN KEY (\`created_by_user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION,
         CONSTRAINT \`FK_cdbb4ad3ffe9479c1a206c3e0c8\` FOREIGN KEY (\`document_id\`) REFERENCES \`archive_documents\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`archive_exports\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`requested_by_user_id\` varchar(64) ${bin} NOT NULL,
         \`state\` varchar(16) NOT NULL, \`relationship_count\` int UNSIGNED NOT NULL, \`progress\` double NOT NULL DEFAULT '0',
         \`attempts\` int UNSIGNED NOT NULL DEFAULT '0', \`byte_size\` bigint UNSIGNED NULL, \`sha256\` char(64) ${bin} NULL,
         \`storage_key\` varchar(512) ${bin} NULL, \`error\` text NULL, \`created_at\` datetime(3) NOT NULL, \`finished_at\` datetime(3) NULL,
         \`expires_at\` datetime(3) NULL,
         INDEX \`idx_archive_exports_requester\` (\`requested_by_user_id\`, \`id\`), INDEX \`idx_archive_exports_state\` (\`state\`, \`expires_at\`),
         PRIMARY KEY (\`id\`),
         CONSTRAINT \`FK_220d07965b1152d61a75db04e41\` FOREIGN KEY (\`requested_by_user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`archive_export_relationships\` (\`export_id\` bigint UNSIGNED NOT NULL, \`relationship_id\` bigint UNSIGNED NOT NULL,
         \`position\` smallint UNSIGNED NOT NULL, PRIMARY KEY (\`export_id\`, \`relationship_id\`),
         CONSTRAINT \`FK_b0da90b444761b18407d76570d6\` FOREIGN KEY (\`export_id\`) REFERENCES \`archive_exports\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION,
         CONSTRAINT \`FK_97315baeb57199ffa13455a0366\` FOREIGN KEY (\`relationship_id\`) REFERENCES \`customer_relationships\`(\`id\`) ON DELETE RESTRICT ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
  }

  /** Uploaded documents cannot be kept under the old unique key; `down` refuses while there are any. */
  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ n }] = await queryRunner.query("SELECT COUNT(*) AS n FROM `archive_documents` WHERE `source` <> 'GENERATED'");
    if (Number(n) > 0) throw new Error(`The archive holds ${n} uploaded document(s); delete them before reverting ${this.name}.`);
    await queryRunner.query('DROP TABLE IF EXISTS `archive_export_relationships`');
    await queryRunner.query('DROP TABLE IF EXISTS `archive_exports`');
    await queryRunner.query('DROP TABLE IF EXISTS `archive_uploads`');
    await queryRunner.query(
      `ALTER TABLE \`archive_documents\` DROP FOREIGN KEY \`FK_db726e3880962a3c89e7883872b\`,
         DROP INDEX \`uq_archive_documents_relationship_kind_year_upload\`,
         ADD UNIQUE INDEX \`uq_archive_documents_relationship_kind_year\` (\`relationship_id\`, \`kind\`, \`fiscal_year\`),
         DROP COLUMN \`original_file_name\`, DROP COLUMN \`uploaded_by_user_id\`, DROP COLUMN \`upload_id\`, DROP COLUMN \`source\``,
    );
  }
}
