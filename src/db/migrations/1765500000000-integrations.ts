import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { binaryCollation } from './1764900000000-binary-ids';

/**
 * Partner integrations (docs/integrations.md): API keys, webhook endpoints, and webhook events with their deliveries
 * (the outbox: rows written in the transaction that causes the event, delivered after commit).
 *
 * - `api_keys` keeps only a keyed hash of each secret (`secret_hash`, HMAC-SHA256 with the installation's
 *   integrations key, looked up by equality) and its first characters (`prefix`) to recognise it.
 * - Each key acts as a user of its own (`users.id` `apikey:<id>`, an id no import or token can name), so rows that
 *   record who did something (`ended_by_user_id`, idempotency records, uploads, exports) keep their foreign keys.
 * - `audit_events.api_key_id` names the key an event was made through.
 * - `installation_keys` 2: the integrations key, made at random here (see InstallationKeys1765000000000).
 */
export class Integrations1765500000000 implements MigrationInterface {
  name = 'Integrations1765500000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    const bin = `CHARACTER SET utf8mb4 COLLATE ${await binaryCollation(queryRunner)}`;
    await queryRunner.query(
      `CREATE TABLE \`api_keys\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`partner_id\` varchar(64) ${bin} NOT NULL,
         \`name\` varchar(200) NOT NULL, \`scopes\` text NOT NULL, \`prefix\` varchar(16) ${bin} NOT NULL,
         \`secret_hash\` binary(32) NOT NULL, \`created_by_user_id\` varchar(64) ${bin} NULL, \`created_at\` datetime(3) NOT NULL,
         \`expires_at\` datetime(3) NULL, \`last_used_at\` datetime(3) NULL, \`revoked_at\` datetime(3) NULL,
         UNIQUE INDEX \`uq_api_keys_secret_hash\` (\`secret_hash\`), INDEX \`idx_api_keys_partner\` (\`partner_id\`, \`id\`), PRIMARY KEY (\`id\`),
         CONSTRAINT \`FK_api_keys_partner\` FOREIGN KEY (\`partner_id\`) REFERENCES \`partners\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION,
         CONSTRAINT \`FK_api_keys_created_by\` FOREIGN KEY (\`created_by_user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`webhook_endpoints\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`partner_id\` varchar(64) ${bin} NOT NULL,
         \`url\` varchar(2000) NOT NULL, \`events\` text NOT NULL, \`secret_sealed\` varbinary(255) NOT NULL,
         \`created_by_user_id\` varchar(64) ${bin} NULL, \`created_at\` datetime(3) NOT NULL, \`deleted_at\` datetime(3) NULL,
         \`disabled_at\` datetime(3) NULL, \`failing_since\` datetime(3) NULL,
         INDEX \`idx_webhook_endpoints_partner\` (\`partner_id\`, \`id\`), PRIMARY KEY (\`id\`),
         CONSTRAINT \`FK_webhook_endpoints_partner\` FOREIGN KEY (\`partner_id\`) REFERENCES \`partners\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION,
         CONSTRAINT \`FK_webhook_endpoints_created_by\` FOREIGN KEY (\`created_by_user_id\`) REFERENCES \`users\`(\`id\`) ON DELETE SET NULL ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`webhook_events\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`partner_id\` varchar(64) ${bin} NOT NULL,
         \`type\` varchar(40) NOT NULL, \`body\` mediumtext NOT NULL, \`created_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`),
         CONSTRAINT \`FK_webhook_events_partner\` FOREIGN KEY (\`partner_id\`) REFERENCES \`partners\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
    await queryRunner.query(
      `CREATE TABLE \`webhook_deliveries\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`event_id\` bigint UNSIGNED NOT NULL,
         \`endpoint_id\` bigint UNSIGNED NOT NULL, \`state\` varchar(16) NOT NULL, \`attempts\` int UNSIGNED NOT NULL DEFAULT '0',
         \`next_attempt_at\` datetime(3) NULL, \`last_status_code\` smallint UNSIGNED NULL, \`last_error\` varchar(500) NULL,
         \`created_at\` datetime(3) NOT NULL, \`delivered_at\` datetime(3) NULL,
         UNIQUE INDEX \`uq_webhook_deliveries_event_endpoint\` (\`event_id\`, \`endpoint_id\`),
         INDEX \`idx_webhook_deliveries_due\` (\`state\`, \`next_attempt_at\`), INDEX \`idx_webhook_deliveries_endpoint\` (\`endpoint_id\`, \`id\`),
         PRIMARY KEY (\`id\`),
         CONSTRAINT \`FK_webhook_deliveries_event\` FOREIGN KEY (\`event_id\`) REFERENCES \`webhook_events\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION,
         CONSTRAINT \`FK_webhook_deliveries_endpoint\` FOREIGN KEY (\`endpoint_id\`) REFERENCES \`webhook_endpoints\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION
       ) ENGINE=InnoDB`,
    );
    await queryRunner.query('ALTER TABLE `audit_events` ADD `api_key_id` bigint UNSIGNED NULL');
    await queryRunner.query('INSERT INTO `installation_keys` (`id`, `secret`) VALUES (2, ?)', [randomBytes(32)]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM `installation_keys` WHERE `id` = 2');
    await queryRunner.query('ALTER TABLE `audit_events` DROP COLUMN `api_key_id`');
    await queryRunner.query('DROP TABLE IF EXISTS `webhook_deliveries`');
    await queryRunner.query('DROP TABLE IF EXISTS `webhook_events`');
    await queryRunner.query('DROP TABLE IF EXISTS `webhook_endpoints`');
    await queryRunner.query('DROP TABLE IF EXISTS `api_keys`');
    await queryRunner.query("DELETE FROM `users` WHERE `id` LIKE 'apikey:%'");
  }
}
