import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The statutory specification set (bokføringsforskriften § 3-1) in more than one format, and the client's VAT term.
 *
 * - `archive_documents.format` (XML, CSV, PDF, OTHER): a specification may be in a folder as CSV and as PDF, so the
 *   unique key the generation's upsert relies on becomes (relationship, kind, fiscal year, format, upload). Existing
 *   rows get the format their content type names.
 * - `clients.vat_term`: how often the client reports VAT (BIMONTHLY, the default; MONTHLY; YEARLY), for the VAT
 *   specification per term.
 */
export class SpecificationFormats1765200000000 implements MigrationInterface {
  name = 'SpecificationFormats1765200000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE \`archive_documents\` ADD \`format\` varchar(8) NOT NULL DEFAULT 'OTHER',
         DROP INDEX \`uq_archive_documents_relationship_kind_year_upload\`,
         ADD UNIQUE INDEX \`uq_archive_documents_relationship_kind_year_format_upload\` (\`relationship_id\`, \`kind\`, \`fiscal_year\`, \`format\`, \`upload_id\`)`,
    );
    await queryRunner.query(
      `UPDATE \`archive_documents\` SET \`format\` = CASE
         WHEN \`content_type\` LIKE 'application/xml%' OR \`content_type\` LIKE 'text/xml%' THEN 'XML'
         WHEN \`content_type\` LIKE 'text/csv%' THEN 'CSV'
         WHEN \`content_type\` LIKE 'application/pdf%' THEN 'PDF'
         ELSE 'OTHER' END`,
    );
    await queryRunner.query(`ALTER TABLE \`clients\` ADD \`vat_term\` varchar(16) NOT NULL DEFAULT 'BIMONTHLY'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `clients` DROP COLUMN `vat_term`');
    await queryRunner.query(
      `ALTER TABLE \`archive_documents\` DROP INDEX \`uq_archive_documents_relationship_kind_year_format_upload\`,
         ADD UNIQUE INDEX \`uq_archive_documents_relationship_kind_year_upload\` (\`relationship_id\`, \`kind\`, \`fiscal_year\`, \`upload_id\`),
         DROP COLUMN \`format\``,
    );
  }
}
