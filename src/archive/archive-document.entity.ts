import { Column, Entity, Index, PrimaryGeneratedColumn, Unique, JoinColumn, ManyToOne } from 'typeorm';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';

export enum ArchiveDocumentKind {
  SAFT_FINANCIAL = 'SAFT_FINANCIAL',
  // The specifications next to the SAF-T file (bokføringsforskriften § 3-1), one CSV each.
  JOURNAL = 'JOURNAL',
  GENERAL_LEDGER = 'GENERAL_LEDGER',
  CUSTOMER_SPECIFICATION = 'CUSTOMER_SPECIFICATION',
  SUPPLIER_SPECIFICATION = 'SUPPLIER_SPECIFICATION',
  TRIAL_BALANCE = 'TRIAL_BALANCE',
  VAT_SPECIFICATION = 'VAT_SPECIFICATION',
}

/** A file of mandatory accounting data in the archive (DESIGN S3). */
@Entity('archive_documents')
@Unique('uq_archive_documents_relationship_kind_year', ['relationshipId', 'kind', 'fiscalYear'])
@Index('idx_archive_documents_client', ['clientId'])
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

  @ManyToOne(() => CustomerRelationship, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'relationship_id' })
  relationship?: CustomerRelationship;
}
