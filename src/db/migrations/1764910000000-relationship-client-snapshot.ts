import { MigrationInterface, QueryRunner } from 'typeorm';
import { binaryCollation } from './1764900000000-binary-ids';

/**
 * DESIGN A6: an ended relationship keeps the client's name and organization number as they were at the ending, so the
 * ending partner's archive does not show what the client became later. Relationships ended before this migration take
 * the client's values of today, the best that is known of them. The organization number compares byte for byte, as
 * the client's own does (binary ids migration); the name keeps the Danish collation.
 */
export class RelationshipClientSnapshot1764910000000 implements MigrationInterface {
  name = 'RelationshipClientSnapshot1764910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const binary = await binaryCollation(queryRunner);
    await queryRunner.query(
      `ALTER TABLE \`customer_relationships\` ADD \`client_name\` varchar(200) NULL,
         ADD \`client_organization_number\` char(9) CHARACTER SET utf8mb4 COLLATE ${binary} NULL`,
    );
    await queryRunner.query(
      `UPDATE \`customer_relationships\` r JOIN \`clients\` c ON c.id = r.client_id
          SET r.client_name = c.name, r.client_organization_number = c.organization_number
        WHERE r.ended_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `customer_relationships` DROP COLUMN `client_organization_number`, DROP COLUMN `client_name`');
  }
}
