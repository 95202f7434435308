import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Client } from '../clients/client.entity';

/**
 * A client's books (its accounting data), in the shape of SAF-T Financial 1.30.
 *
 * Sized for tens of millions of lines: bigint ids, money as BIGINT øre (signed where it is a balance, non-negative
 * debit/credit on lines), lines clustered by their voucher (primary key transaction_ref + line_no) so that one voucher
 * is one range read, and vouchers indexed by (client, date, id) and (journal, date, id) for "everything between two
 * dates, in order".
 */

/** BIGINT columns come back from mysql2 as strings (bigNumberStrings); øre fit a JS number exactly. */
export const oreColumn = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** A general ledger account with its næringsspesifikasjon grouping. */
@Entity('ledger_accounts')
@Unique('uq_ledger_accounts_client_account', ['clientId', 'accountId'])
export class LedgerAccount {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  /** SAF-T `AccountID`. */
  @Column({ name: 'account_id', type: 'varchar', length: 70 })
  accountId!: string;

  @Column({ type: 'varchar', length: 256 })
  description!: string;

  @Column({ name: 'grouping_category', type: 'varchar', length: 256 })
  groupingCategory!: string;

  @Column({ name: 'grouping_code', type: 'varchar', length: 35 })
  groupingCode!: string;

  /** True when the grouping was derived from the account number (files before 1.30): the ending preview warns. */
  @Column({ name: 'grouping_derived', type: 'boolean' })
  groupingDerived!: boolean;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;
}

export enum LedgerPartyKind {
  CUSTOMER = 'CUSTOMER',
  SUPPLIER = 'SUPPLIER',
}

/** A customer or supplier of the client (its sub-ledgers). Control accounts come from balances and lines. */
@Entity('ledger_parties')
@Unique('uq_ledger_parties_client_kind_party', ['clientId', 'kind', 'partyId'])
export class LedgerParty {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: LedgerPartyKind;

  /** SAF-T `CustomerID` / `SupplierID`. */
  @Column({ name: 'party_id', type: 'varchar', length: 35 })
  partyId!: string;

  @Column({ type: 'varchar', length: 256 })
  name!: string;

  @Column({ name: 'registration_number', type: 'varchar', length: 35, nullable: true })
  registrationNumber!: string | null;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;
}

export enum OpeningBalanceKind {
  ACCOUNT = 'ACCOUNT',
  CUSTOMER = 'CUSTOMER',
  SUPPLIER = 'SUPPLIER',
}

/**
 * Balances as imported at the start of an imported file's selection (`as_of`): one snapshot per imported period.
 * The balance at any later date is the latest snapshot not after it plus the lines in between; with no snapshot,
 * the sum of all earlier lines.
 */
@Entity('ledger_opening_balances')
@Unique('uq_ledger_opening_balances_entry', ['clientId', 'asOf', 'kind', 'partyId', 'accountId'])
export class LedgerOpeningBalance {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'as_of', type: 'date' })
  asOf!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: OpeningBalanceKind;

  /** The customer or supplier; empty for an account's own balance. */
  @Column({ name: 'party_id', type: 'varchar', length: 35 })
  partyId!: string;

  /** The GL account (a party's control account); empty when a party's balance names none. */
  @Column({ name: 'account_id', type: 'varchar', length: 70 })
  accountId!: string;

  /** Signed øre: debit positive, credit negative. */
  @Column({ type: 'bigint', transformer: oreColumn })
  balance!: number;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;
}

/** One `TaxCodeDetails` of the client's MVA table. */
@Entity('ledger_tax_codes')
@Unique('uq_ledger_tax_codes_client_code', ['clientId', 'code'])
export class LedgerTaxCode {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 70 })
  code!: string;

  @Column({ type: 'varchar', length: 256, nullable: true })
  description!: string | null;

  /** A rate, not money (25, 15, 11.11). */
  @Column({ type: 'decimal', precision: 9, scale: 4, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  percentage!: number | null;

  /** From Standard_Tax_Codes.csv, or `NA`. */
  @Column({ name: 'standard_tax_code', type: 'varchar', length: 9 })
  standardTaxCode!: string;

  @Column({ type: 'char', length: 2 })
  country!: string;

  /** Comma-separated percentages of the base (normally just `100`). */
  @Column({ name: 'base_rates', type: 'varchar', length: 100 })
  baseRates!: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;
}

/** One type/ID pair of the analysis table (e.g. department A / 100). */
@Entity('ledger_analysis_types')
@Unique('uq_ledger_analysis_types_client_type_id', ['clientId', 'analysisType', 'analysisId'])
export class LedgerAnalysisType {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'analysis_type', type: 'varchar', length: 9 })
  analysisType!: string;

  @Column({ name: 'type_description', type: 'varchar', length: 256 })
  typeDescription!: string;

  @Column({ name: 'analysis_id', type: 'varchar', length: 35 })
  analysisId!: string;

  @Column({ name: 'id_description', type: 'varchar', length: 256 })
  idDescription!: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;
}

@Entity('ledger_journals')
@Unique('uq_ledger_journals_client_journal', ['clientId', 'journalId'])
export class LedgerJournal {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  /** SAF-T `JournalID`. */
  @Column({ name: 'journal_id', type: 'varchar', length: 70 })
  journalId!: string;

  @Column({ type: 'varchar', length: 256 })
  description!: string;

  @Column({ type: 'varchar', length: 9 })
  type!: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;
}

/** One voucher. */
@Entity('ledger_transactions')
@Index('idx_ledger_transactions_client_date', ['clientId', 'transactionDate', 'id'])
@Index('idx_ledger_transactions_journal_date', ['journalRef', 'transactionDate', 'id'])
export class LedgerTransaction {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  /** `ledger_journals.id`. */
  @Column({ name: 'journal_ref', type: 'bigint', unsigned: true })
  journalRef!: string;

  /** SAF-T `TransactionID` (unique within a file, not necessarily across years). */
  @Column({ name: 'transaction_id', type: 'varchar', length: 70 })
  transactionId!: string;

  @Column({ type: 'tinyint', unsigned: true })
  period!: number;

  @Column({ name: 'period_year', type: 'smallint', unsigned: true })
  periodYear!: number;

  @Column({ name: 'transaction_date', type: 'date' })
  transactionDate!: string;

  @Column({ name: 'source_id', type: 'varchar', length: 35, nullable: true })
  sourceId!: string | null;

  @Column({ name: 'voucher_type', type: 'varchar', length: 70, nullable: true })
  voucherType!: string | null;

  @Column({ name: 'voucher_description', type: 'varchar', length: 70, nullable: true })
  voucherDescription!: string | null;

  @Column({ type: 'varchar', length: 256 })
  description!: string;

  @Column({ name: 'system_entry_date', type: 'date' })
  systemEntryDate!: string;

  @Column({ name: 'gl_posting_date', type: 'date' })
  glPostingDate!: string;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @ManyToOne(() => LedgerJournal, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'journal_ref' })
  journal?: LedgerJournal;
}

/** One line of a voucher; clustered by voucher. Tax information and analysis are small lists kept as JSON. */
@Entity('ledger_lines')
export class LedgerLine {
  @PrimaryColumn({ name: 'transaction_ref', type: 'bigint', unsigned: true })
  transactionRef!: string;

  /** Position in the voucher, from 0. */
  @PrimaryColumn({ name: 'line_no', type: 'int', unsigned: true })
  lineNo!: number;

  @Column({ name: 'record_id', type: 'varchar', length: 70 })
  recordId!: string;

  @Column({ name: 'account_id', type: 'varchar', length: 70 })
  accountId!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 35, nullable: true })
  customerId!: string | null;

  @Column({ name: 'supplier_id', type: 'varchar', length: 35, nullable: true })
  supplierId!: string | null;

  @Column({ type: 'varchar', length: 256 })
  description!: string;

  /** Øre, non-negative; exactly one of debit/credit is set. */
  @Column({ name: 'debit_amount', type: 'bigint', nullable: true, transformer: oreColumn })
  debitAmount!: number | null;

  @Column({ name: 'credit_amount', type: 'bigint', nullable: true, transformer: oreColumn })
  creditAmount!: number | null;

  @Column({ name: 'value_date', type: 'date', nullable: true })
  valueDate!: string | null;

  @Column({ name: 'source_document_id', type: 'varchar', length: 35, nullable: true })
  sourceDocumentId!: string | null;

  @Column({ name: 'reference_number', type: 'varchar', length: 35, nullable: true })
  referenceNumber!: string | null;

  /** `SaftLineTax[]` as JSON, null when empty. */
  @Column({ name: 'tax_information', type: 'json', nullable: true })
  taxInformation!: unknown;

  /** `SaftLineAnalysis[]` as JSON, null when empty. */
  @Column({ type: 'json', nullable: true })
  analysis!: unknown;

  @ManyToOne(() => LedgerTransaction, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'transaction_ref' })
  transaction?: LedgerTransaction;
}

export const LEDGER_ENTITIES = [
  LedgerAccount,
  LedgerParty,
  LedgerOpeningBalance,
  LedgerTaxCode,
  LedgerAnalysisType,
  LedgerJournal,
  LedgerTransaction,
  LedgerLine,
];
