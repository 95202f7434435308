import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ids, keys and codes compare byte for byte. The database's collation (utf8mb4_danish_ci) is right for names — Æ, Ø, Å
 * after Z, any case — but it made `U-KARI`, `u-kari\0` and `u-kari ` the same user as `u-kari`, `Key-A` the same
 * idempotency key as `key-a`, and `NORD\0LYS` the partner code NORDLYS. These columns get a binary collation;
 * names, e-mails and free text keep the table's.
 *
 * Which binary collation: one that does not pad. `utf8mb4_bin` is PAD SPACE (`'u-kari '` = `'u-kari'`); MariaDB has
 * `utf8mb4_nopad_bin`, MySQL 8.0.17+ `utf8mb4_0900_bin`. The migration takes the first of the two the server has
 * (asked of the catalogue rather than guessed from VERSION(): what matters is which collations it knows), and falls
 * back to `utf8mb4_bin` on a server with neither; the application refuses ids, keys and codes with spaces at the ends
 * or control characters anyway (src/common/ids.ts), so the fallback loses nothing it relies on. Entities do not name
 * the collation because it differs by server; this migration is where it is decided.
 *
 * Converted, and why:
 * - every id of partners, users and clients and every column that refers to one (foreign keys or not: audit events'
 *   and notifications' client, audit events' actor), so that joins compare like with like;
 * - idempotency records' scope: user, operation, key (DESIGN E10);
 * - partner codes (stored upper case, see below), extension keys;
 * - organization numbers: always 9 digits, so nothing changes for valid data, but the unique index then means exactly
 *   what the import checks in JavaScript;
 * - audit events' request ids, archive documents' storage keys (a storage key names a file or an object, and both
 *   local files and S3 keys are case-sensitive), SHA-256 hex digests (archive documents, idempotency request hashes):
 *   bytes, and cheap since their tables are rebuilt anyway.
 * Left as they are: enum-like columns (status, kind, state, action, roles, rights) and year-months, which only the
 * code writes from fixed upper-case values; file names and content types, which are names shown to people; and the
 * books' SAF-T identifiers, which the ledger code already compares as bytes where it matters (`CAST(... AS BINARY)`)
 * and whose largest table (ledger_lines) would otherwise be rebuilt for nothing. The ledger tables' `client_id`
 * changes: it refers to `clients.id`.
 *
 * Foreign keys: MariaDB (MDEV-31086) and MySQL refuse to change a column in a foreign key even with
 * FOREIGN_KEY_CHECKS=0, so the keys on these columns are dropped, and each table's columns are changed in one ALTER
 * that adds its keys again. A check before any change makes sure every reference still finds its row when compared
 * exactly, so the keys cannot fail half-way. DDL commits on its own in MySQL and MariaDB, so this migration runs
 * without a transaction; each step can be run again, so after a failure (say, a full disk mid-way) migrating again
 * finishes the job.
 *
 * `down` gives the columns back the table's collation. It fails on data that only the binary collation keeps apart
 * (two idempotency keys `Key-A` and `key-a` of one user, say): the Danish collation's unique indexes cannot hold
 * them. Partner codes stay upper case.
 */
export class BinaryIds1764900000000 implements MigrationInterface {
  name = 'BinaryIds1764900000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    const collation = await binaryCollation(queryRunner);
    await refuseInexactReferences(queryRunner);
    // Codes are typed in any case and upper-cased before the look-up (linkClientToPartner), so they are kept upper
    // case. The Danish collation's unique index already kept two codes from differing in case only.
    await queryRunner.query('UPDATE `partners` SET `partner_code` = UPPER(`partner_code`) WHERE CAST(`partner_code` AS BINARY) <> CAST(UPPER(`partner_code`) AS BINARY)');
    await changeColumns(queryRunner, `CHARACTER SET utf8mb4 COLLATE ${collation}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Without a collation, a column takes its table's default: what these columns had before.
    await changeColumns(queryRunner, '');
  }
}

/**
 * The columns that compare byte for byte, per table, with their types as the earlier migrations made them. Referenced
 * tables (partners, users, clients) come first.
 */
const COLUMNS: Record<string, Array<[column: string, type: string, nullable: 'NULL' | 'NOT NULL']>> = {
  partners: [['id', 'varchar(64)', 'NOT NULL'], ['partner_code', 'varchar(32)', 'NOT NULL'], ['organization_number', 'varchar(9)', 'NULL']],
  users: [['id', 'varchar(64)', 'NOT NULL']],
  clients: [
    ['id', 'varchar(64)', 'NOT NULL'],
    ['organization_number', 'char(9)', 'NOT NULL'],
    ['partner_id', 'varchar(64)', 'NULL'],
    ['subscription_admin_user_id', 'varchar(64)', 'NULL'],
  ],
  customer_relationships: [['client_id', 'varchar(64)', 'NOT NULL'], ['partner_id', 'varchar(64)', 'NOT NULL'], ['ended_by_user_id', 'varchar(64)', 'NULL']],
  archive_documents: [['client_id', 'varchar(64)', 'NOT NULL'], ['sha256', 'char(64)', 'NOT NULL'], ['storage_key', 'varchar(512)', 'NOT NULL']],
  audit_events: [['client_id', 'varchar(64)', 'NULL'], ['actor_user_id', 'varchar(64)', 'NULL'], ['request_id', 'varchar(64)', 'NULL']],
  client_accesses: [['client_id', 'varchar(64)', 'NOT NULL'], ['user_id', 'varchar(64)', 'NOT NULL'], ['via_partner_id', 'varchar(64)', 'NULL']],
  client_extensions: [['client_id', 'varchar(64)', 'NOT NULL'], ['key', 'varchar(64)', 'NOT NULL'], ['owner_partner_id', 'varchar(64)', 'NULL']],
  idempotency_records: [
    ['user_id', 'varchar(64)', 'NOT NULL'],
    ['operation', 'varchar(64)', 'NOT NULL'],
    ['idempotency_key', 'varchar(128)', 'NOT NULL'],
    ['request_hash', 'char(64)', 'NOT NULL'],
  ],
  notifications: [['user_id', 'varchar(64)', 'NOT NULL'], ['client_id', 'varchar(64)', 'NULL']],
  partner_memberships: [['user_id', 'varchar(64)', 'NOT NULL'], ['partner_id', 'varchar(64)', 'NOT NULL']],
  ledger_accounts: [['client_id', 'varchar(64)', 'NOT NULL']],
  ledger_parties: [['client_id', 'varchar(64)', 'NOT NULL']],
  ledger_opening_balances: [['client_id', 'varchar(64)', 'NOT NULL']],
  ledger_tax_codes: [['client_id', 'varchar(64)', 'NOT NULL']],
  ledger_analysis_types: [['client_id', 'varchar(64)', 'NOT NULL']],
  ledger_journals: [['client_id', 'varchar(64)', 'NOT NULL']],
  ledger_transactions: [['client_id', 'varchar(64)', 'NOT NULL']],
};

interface ForeignKey {
  name: string;
  table: string;
  column: string;
  references: 'partners' | 'users' | 'clients';
  onDelete: 'CASCADE' | 'SET NULL' | 'RESTRICT';
}

/** Every foreign key on those columns, as the earlier migrations made it (all reference an `id`). */
const FOREIGN_KEYS: ForeignKey[] = [
  { name: 'FK_628c0b2bd48412c961fe9f8e149', table: 'clients', column: 'partner_id', references: 'partners', onDelete: 'SET NULL' },
  { name: 'FK_577b29f67e15b22e0f60525a595', table: 'clients', column: 'subscription_admin_user_id', references: 'users', onDelete: 'SET NULL' },
  { name: 'FK_24ed19233ee54065f4d2898609e', table: 'customer_relationships', column: 'client_id', references: 'clients', onDelete: 'RESTRICT' },
  { name: 'FK_2e1c674932ab870538b6261f477', table: 'customer_relationships', column: 'partner_id', references: 'partners', onDelete: 'RESTRICT' },
  { name: 'FK_a3727227f562451fe996a1e90cb', table: 'customer_relationships', column: 'ended_by_user_id', references: 'users', onDelete: 'SET NULL' },
  { name: 'FK_442faf790d6cc6bfc10bcebe544', table: 'client_accesses', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_b932d3a77cfaf4e62cd6e365002', table: 'client_accesses', column: 'user_id', references: 'users', onDelete: 'CASCADE' },
  { name: 'FK_3d0de5ed4a98eb8cdefe859a3ac', table: 'client_accesses', column: 'via_partner_id', references: 'partners', onDelete: 'SET NULL' },
  { name: 'FK_5d0f38f411ffb2ec5d34f602be7', table: 'client_extensions', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_9c633b1f5159979a58516b71b3e', table: 'client_extensions', column: 'owner_partner_id', references: 'partners', onDelete: 'SET NULL' },
  { name: 'FK_424bb67027b4c3b431cd85dda16', table: 'idempotency_records', column: 'user_id', references: 'users', onDelete: 'CASCADE' },
  { name: 'FK_9a8a82462cab47c73d25f49261f', table: 'notifications', column: 'user_id', references: 'users', onDelete: 'CASCADE' },
  { name: 'FK_357adf3fc0b2f767c212d2b053f', table: 'partner_memberships', column: 'user_id', references: 'users', onDelete: 'CASCADE' },
  { name: 'FK_e0c228757afc28e8cc60f1367a5', table: 'partner_memberships', column: 'partner_id', references: 'partners', onDelete: 'CASCADE' },
  { name: 'FK_14336f45ba851c98642a6f8d78d', table: 'ledger_accounts', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_e68e5c84bf8472b0f7f210c18cd', table: 'ledger_parties', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_8dfffbb9274dece15482f1720d0', table: 'ledger_opening_balances', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_46e7c507680ad06c9194f194430', table: 'ledger_tax_codes', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_b4c2c4ac59adab08dd9d80a2150', table: 'ledger_analysis_types', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_493f2bd8d06f2d2343c1a2d49ce', table: 'ledger_journals', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
  { name: 'FK_22100efbe18ff09253a752812b9', table: 'ledger_transactions', column: 'client_id', references: 'clients', onDelete: 'CASCADE' },
];

/** The binary collation without padding that the server has, else the padding one. */
export async function binaryCollation(queryRunner: QueryRunner): Promise<string> {
  const preferred = ['utf8mb4_nopad_bin', 'utf8mb4_0900_bin'];
  const rows: Array<{ name: string }> = await queryRunner.query(
    'SELECT COLLATION_NAME AS name FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN (?, ?)',
    preferred,
  );
  const available = new Set(rows.map((r) => r.name));
  return preferred.find((c) => available.has(c)) ?? 'utf8mb4_bin';
}

/**
 * Stops before any change when a reference finds its row only through the old collation (`U-KARI` for `u-kari`):
 * compared exactly, it would point at nothing. Compared in the referenced column's collation, so that the look-up
 * uses its primary key, then exactly.
 */
async function refuseInexactReferences(queryRunner: QueryRunner): Promise<void> {
  const problems: string[] = [];
  for (const fk of FOREIGN_KEYS) {
    const [{ collation }] = await queryRunner.query(
      'SELECT COLLATION_NAME AS collation FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?',
      [fk.references, 'id'],
    );
    const [{ n }] = await queryRunner.query(
      `SELECT COUNT(*) AS n FROM \`${fk.table}\` c WHERE c.\`${fk.column}\` IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM \`${fk.references}\` p
          WHERE p.id = c.\`${fk.column}\` COLLATE ${collation} AND CAST(p.id AS BINARY) = CAST(c.\`${fk.column}\` AS BINARY))`,
    );
    if (Number(n) > 0) problems.push(`${fk.table}.${fk.column}: ${n} row(s) name a ${fk.references}.id only in another case or form`);
  }
  if (problems.length > 0) {
    throw new Error(`Ids are about to be compared exactly, and some references would find nothing: ${problems.join('; ')}. Correct them to the exact id and migrate again; nothing was changed.`);
  }
}

/**
 * Drops the foreign keys on the columns, then changes each table's columns in one statement that also adds the table's
 * keys again: referenced tables first, so that each key is added between columns of one collation. The statement
 * rebuilds the table anyway (its indexed columns change collation), so checking the rows against the new key costs
 * little; foreign_key_checks stays on (MariaDB 10.11 records a key added with the checks off as ON DELETE NO ACTION
 * instead of RESTRICT).
 */
async function changeColumns(queryRunner: QueryRunner, charsetAndCollation: string): Promise<void> {
  const existing = new Set<string>(
    (await queryRunner.query(
      "SELECT CONSTRAINT_NAME AS name FROM information_schema.TABLE_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() AND CONSTRAINT_TYPE = 'FOREIGN KEY'",
    )).map((r: { name: string }) => r.name),
  );
  for (const fk of FOREIGN_KEYS) {
    if (existing.has(fk.name)) await queryRunner.query(`ALTER TABLE \`${fk.table}\` DROP FOREIGN KEY \`${fk.name}\``);
  }
  for (const [table, columns] of Object.entries(COLUMNS)) {
    const changes = [
      ...columns.map(([column, type, nullable]) => `MODIFY \`${column}\` ${[type, charsetAndCollation, nullable].filter(Boolean).join(' ')}`),
      ...FOREIGN_KEYS.filter((fk) => fk.table === table).map(
        (fk) => `ADD CONSTRAINT \`${fk.name}\` FOREIGN KEY (\`${fk.column}\`) REFERENCES \`${fk.references}\`(\`id\`) ON DELETE ${fk.onDelete} ON UPDATE NO ACTION`,
      ),
    ];
    await queryRunner.query(`ALTER TABLE \`${table}\` ${changes.join(', ')}`);
  }
}
