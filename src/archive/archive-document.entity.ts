import { Column, Entity, Index, PrimaryGeneratedColumn, Unique, JoinColumn, ManyToOne } from 'typeorm';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { User } from '../users/user.entity';

export enum ArchiveDocumentKind {
  SAFT_FINANCIAL = 'SAFT_FINANCIAL',
  // The specifications next to the SAF-T file (bokføringsforskriften § 3-1), one CSV each.
  JOURNAL = 'JOURNAL',
  GENERAL_LEDGER = 'GENERAL_LEDGER',
  CUSTOMER_SPECIFICATION = 'CUSTOMER_SPECIFICATION',
  SUPPLIER_SPECIFICATION = 'SUPPLIER_SPECIFICATION',
  TRIAL_BALANCE = 'TRIAL_BALANCE',
  VAT_SPECIFICATION = 'VAT_SPECIFICATION',
  // Documentation a partner uploads into the folder (DESIGN S8).
  BANK_STATEMENT = 'BANK_STATEMENT',
  A_MELDING = 'A_MELDING',
  VOUCHER_DOCUMENTATION = 'VOUCHER_DOCUMENTATION',
  OTHER_DOCUMENTATION = 'OTHER_DOCUMENTATION',
}

/** The kinds a partner may upload; every other kind is written by the generation (DESIGN S3, S8). */
export const UPLOADED_KINDS: readonly ArchiveDocumentKind[] = [
  ArchiveDocumentKind.BANK_STATEMENT,
  ArchiveDocumentKind.A_MELDING,
  ArchiveDocumentKind.VOUCHER_DOCUMENTATION,
  ArchiveDocumentKind.OTHER_DOCUMENTATION,
];

/** Where a document came from: generated from the books, or uploaded by a partner's user (DESIGN S8). */
export enum ArchiveDocumentSource {
  GENERATED = 'GENERATED',
  UPLOADED = 'UPLOADED',
}

/** Whether a document's backup copy (ARCHIVE_BACKUP) is written and its SHA-256 checked (DESIGN S10). */
export enum ArchiveBackupState {
  PENDING = 'PENDING',
  VERIFIED = 'VERIFIED',
}

/** What the last fixity check found (DESIGN S10). */
export enum ArchiveIntegrity {
  UNCHECKED = 'UNCHECKED',
  /** Every copy has the recorded SHA-256 (after any repair). */
  INTACT = 'INTACT',
  /** No copy has the recorded SHA-256: the document is listed as damaged, never hidden. */
  DAMAGED = 'DAMAGED',
}

/**
 * A file in an archive folder (DESIGN S3, S8): mandatory accounting data generated from the books, or documentation a
 * partner uploaded. A generated document is unique on (relationship, kind, fiscal year) — its `uploadId` is 0 — which
 * the generation's upsert relies on; uploaded ones are told apart by their upload.
 */
@Entity('archive_documents')
@Unique('uq_archive_documents_relationship_kind_year_upload', ['relationshipId', 'kind', 'fiscalYear', 'uploadId'])
@Index('idx_archive_documents_client', ['clientId'])
@Index('idx_archive_documents_backup_state', ['backupState', 'id'])
export class ArchiveDocument {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'relationship_id', type: 'bigint', unsigned: true })
  relationshipId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: ArchiveDocumentKind;

  /** Named by the year the fiscal year closes. */
  @Column({ name: 'fiscal_year', type: 'smallint', unsigned: true })
  fiscalYear!: number;

  /** Last day of the fiscal year: retention counts from it (DESIGN S5). */
  @Column({ name: 'fiscal_year_end', type: 'date' })
  fiscalYearEnd!: string;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType!: string;

  @Column({ name: 'byte_size', type: 'bigint', unsigned: true, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  byteSize!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  /** Key in the archive storage. */
  @Column({ name: 'storage_key', type: 'varchar', length: 512 })
  storageKey!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 16, default: ArchiveDocumentSource.GENERATED })
  source!: ArchiveDocumentSource;

  /** The upload it was recorded from; 0 for a generated document (so the unique key above holds for those). */
  @Column({ name: 'upload_id', type: 'bigint', unsigned: true, default: 0 })
  uploadId!: string;

  /** Who uploaded it; null for generated documents. */
  @Column({ name: 'uploaded_by_user_id', type: 'varchar', length: 64, nullable: true })
  uploadedByUserId!: string | null;

  /** The name the uploader gave, before it was made safe for every file system (`fileName`); null when generated. */
  @Column({ name: 'original_file_name', type: 'varchar', length: 1000, nullable: true })
  originalFileName!: string | null;

  @Column({ name: 'backup_state', type: 'varchar', length: 16, default: ArchiveBackupState.PENDING })
  backupState!: ArchiveBackupState;

  @Column({ name: 'backup_verified_at', type: 'datetime', precision: 3, nullable: true })
  backupVerifiedAt!: Date | null;

  @Column({ type: 'varchar', length: 16, default: ArchiveIntegrity.UNCHECKED })
  integrity!: ArchiveIntegrity;

  @Column({ name: 'integrity_checked_at', type: 'datetime', precision: 3, nullable: true })
  integrityCheckedAt!: Date | null;

  @ManyToOne(() => CustomerRelationship, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'relationship_id' })
  relationship?: CustomerRelationship;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'uploaded_by_user_id' })
  uploadedBy?: User;
}
