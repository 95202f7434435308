import { MigrationInterface, QueryRunner } from 'typeorm';
import { binaryCollation } from './1764900000000-binary-ids';

/**
 * The client's side (DESIGN S5, S6):
 *
 * - `clients.legal_hold`: while set, retention deletes nothing of the client's archive. `retention_years` is there
 *   since the first schema (default 5); it becomes settable.
 * - `notifications.dedupe_key`: the event a notice reports, unique per user, so work that runs twice (a generation
 *   retried, the daily expiry check) notifies — and e-mails — once. Null for notices that need no key. Compared byte
 *   for byte, as ids and keys are.
 */
export class ClientSide1765400000000 implements MigrationInterface {
  name = 'ClientSide1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const binary = await binaryCollation(queryRunner);
    await queryRunner.query('ALTER TABLE `clients` ADD `legal_hold` tinyint NOT NULL DEFAULT 0');
    await queryRunner.query(
      `ALTER TABLE \`notifications\` ADD \`dedupe_key\` varchar(191) CHARACTER SET utf8mb4 COLLATE ${binary} NULL,
         ADD UNIQUE INDEX \`uq_notifications_user_dedupe\` (\`user_id\`, \`dedupe_key\`)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `notifications` DROP INDEX `uq_notifications_user_dedupe`, DROP COLUMN `dedupe_key`');
    await queryRunner.query('ALTER TABLE `clients` DROP COLUMN `legal_hold`');
  }
}
