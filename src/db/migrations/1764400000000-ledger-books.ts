import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The clients' books (pliktig regnskapsdata source): accounts, customers and suppliers, opening balances, tax codes,
 * analysis types, journals, vouchers and their lines. Lines are clustered by voucher; amounts are BIGINT øre.
 */
export class LedgerBooks1764400000000 implements MigrationInterface {
  name = 'LedgerBooks1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`ledger_accounts\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`client_id\` varchar(64) NOT NULL, \`account_id\` varchar(70) NOT NULL, \`description\` varchar(256) NOT NULL, \`grouping_category\` varchar(256) NOT NULL, \`grouping_code\` varchar(35) NOT NULL, \`grouping_derived\` tinyint NOT NULL, UNIQUE INDEX \`uq_ledger_accounts_client_account\` (\`client_id\`, \`account_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ledger_parties\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`client_id\` varchar(64) NOT NULL, \`kind\` varchar(8) NOT NULL, \`party_id\` varchar(35) NOT NULL, \`name\` varchar(256) NOT NULL, \`registration_number\` varchar(35) NULL, UNIQUE INDEX \`uq_ledger_parties_client_kind_party\` (\`client_id\`, \`kind\`, \`party_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ledger_opening_balances\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`client_id\` varchar(64) NOT NULL, \`as_of\` date NOT NULL, \`kind\` varchar(8) NOT NULL, \`party_id\` varchar(35) NOT NULL, \`account_id\` varchar(70) NOT NULL, \`balance\` bigint NOT NULL, UNIQUE INDEX \`uq_ledger_opening_balances_entry\` (\`client_id\`, \`as_of\`, \`kind\`, \`party_id\`, \`account_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ledger_tax_codes\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`client_id\` varchar(64) NOT NULL, \`code\` varchar(70) NOT NULL, \`description\` varchar(256) NULL, \`percentage\` decimal(9,4) NULL, \`standard_tax_code\` varchar(9) NOT NULL, \`country\` char(2) NOT NULL, \`base_rates\` varchar(100) NOT NULL, UNIQUE INDEX \`uq_ledger_tax_codes_client_code\` (\`client_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ledger_analysis_types\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`client_id\` varchar(64) NOT NULL, \`analysis_type\` varchar(9) NOT NULL, \`type_description\` varchar(256) NOT NULL, \`analysis_id\` varchar(35) NOT NULL, \`id_description\` varchar(256) NOT NULL, UNIQUE INDEX \`uq_ledger_analysis_types_client_type_id\` (\`client_id\`, \`analysis_type\`, \`analysis_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ledger_journals\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`client_id\` varchar(64) NOT NULL, \`journal_id\` varchar(70) NOT NULL, \`description\` varchar(256) NOT NULL, \`type\` varchar(9) NOT NULL, UNIQUE INDEX \`uq_ledger_journals_client_journal\` (\`client_id\`, \`journal_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ledger_transactions\` (\`id\` bigint UNSIGNED NOT NULL AUTO_INCREMENT, \`client_id\` varchar(64) NOT NULL, \`journal_ref\` bigint UNSIGNED NOT NULL, \`transaction_id\` varchar(70) NOT NULL, \`period\` tinyint UNSIGNED NOT NULL, \`period_year\` smallint UNSIGNED NOT NULL, \`transaction_date\` date NOT NULL, \`source_id\` varchar(35) NULL, \`voucher_type\` varchar(70) NULL, \`voucher_description\` varchar(70) NULL, \`description\` varchar(256) NOT NULL, \`system_entry_date\` date NOT NULL, \`gl_posting_date\` date NOT NULL, INDEX \`idx_ledger_transactions_journal_date\` (\`journal_ref\`, \`transaction_date\`, \`id\`), INDEX \`idx_ledger_transactions_client_date\` (\`client_id\`, \`transaction_date\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ledger_lines\` (\`transaction_ref\` bigint UNSIGNED NOT NULL, \`line_no\` int UNSIGNED NOT NULL, \`record_id\` varchar(70) NOT NULL, \`account_id\` varchar(70) NOT NULL, \`customer_id\` varchar(35) NULL, \`supplier_id\` varchar(35) NULL, \`description\` varchar(256) NOT NULL, \`debit_amount\` bigint NULL, \`credit_amount\` bigint NULL, \`value_date\` date NULL, \`source_document_id\` varchar(35) NULL, \`reference_number\` varchar(35) NULL, \`tax_information\` json NULL, \`analysis\` json NULL, PRIMARY KEY (\`transaction_ref\`, \`line_no\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`ledger_accounts\` ADD CONSTRAINT \`FK_14336f45ba851c98642a6f8d78d\` FOREIGN KEY (\`client_id\`) REFERENCES \`clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_parties\` ADD CONSTRAINT \`FK_e68e5c84bf8472b0f7f210c18cd\` FOREIGN KEY (\`client_id\`) REFERENCES \`clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_opening_balances\` ADD CONSTRAINT \`FK_8dfffbb9274dece15482f1720d0\` FOREIGN KEY (\`client_id\`) REFERENCES \`clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_tax_codes\` ADD CONSTRAINT \`FK_46e7c507680ad06c9194f194430\` FOREIGN KEY (\`client_id\`) REFERENCES \`clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_analysis_types\` ADD CONSTRAINT \`FK_b4c2c4ac59adab08dd9d80a2150\` FOREIGN KEY (\`client_id\`) REFERENCES \`clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_journals\` ADD CONSTRAINT \`FK_493f2bd8d06f2d2343c1a2d49ce\` FOREIGN KEY (\`client_id\`) REFERENCES \`clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_transactions\` ADD CONSTRAINT \`FK_22100efbe18ff09253a752812b9\` FOREIGN KEY (\`client_id\`) REFERENCES \`clients\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_transactions\` ADD CONSTRAINT \`FK_13991b6b604fede994a9aef818e\` FOREIGN KEY (\`journal_ref\`) REFERENCES \`ledger_journals\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE \`ledger_lines\` ADD CONSTRAINT \`FK_7085df7f5ecd6d23438285c0cbc\` FOREIGN KEY (\`transaction_ref\`) REFERENCES \`ledger_transactions\`(\`id\`) ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE `ledger_lines`');
    await queryRunner.query('DROP TABLE `ledger_transactions`');
    await queryRunner.query('DROP TABLE `ledger_journals`');
    await queryRunner.query('DROP TABLE `ledger_analysis_types`');
    await queryRunner.query('DROP TABLE `ledger_tax_codes`');
    await queryRunner.query('DROP TABLE `ledger_opening_balances`');
    await queryRunner.query('DROP TABLE `ledger_parties`');
    await queryRunner.query('DROP TABLE `ledger_accounts`');
  }
}
