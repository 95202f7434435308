import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Keys an installation makes for itself once, at random, when its database is created: the key of its opaque global
 * ids (`installation_keys.id` 1), so that production never runs on a published key and nobody has to configure one.
 * It must never change — every id a client holds would then name nothing — so it lives with the data it names, not in
 * the environment; GLOBAL_ID_SECRET overrides it for installations that want to keep it elsewhere.
 */
export class InstallationKeys1765000000000 implements MigrationInterface {
  name = 'InstallationKeys1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE `installation_keys` (`id` tinyint unsigned NOT NULL, `secret` varbinary(64) NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB',
    );
    await queryRunner.query('INSERT INTO `installation_keys` (`id`, `secret`) VALUES (1, ?)', [randomBytes(32)]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `installation_keys`');
  }
}
