import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archive storage that outlives a machine (DESIGN S10): per document, whether its backup copy is verified and what the
 * last fixity check found. The rows stay the truth for the scheduled work: the sweeper queues a backup copy for every
 * document whose backup is PENDING.
 */
export class ArchiveCopies1765300000000 implements MigrationInterface {
  name = 'ArchiveCopies1765300000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`archive_documents\` ADD \`backup_state\` varchar(16) NOT NULL DEFAULT 'PENDING', ADD \`backup_verified_at\` datetime(3) NULL,
         ADD \`integrity\` varchar(16) NOT NULL DEFAULT 'UNCHECKED', ADD \`integrity_checked_at\` datetime(3) NULL,
         ADD INDEX \`idx_archive_documents_backup_state\` (\`backup_state\`, \`id\`)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`archive_documents\` DROP INDEX \`idx_archive_documents_backup_state\`, DROP COLUMN \`integrity_checked_at\`, DROP COLUMN \`integrity\`,
         DROP COLUMN \`backup_verified_at\`, DROP COLUMN \`backup_state\``,
    );
  }
}
