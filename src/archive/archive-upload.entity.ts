import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { User } from '../users/user.entity';
import { ArchiveDocument, ArchiveDocumentKind } from './archive-document.entity';

/**
 * A file reserved for upload into an archive folder (DESIGN S8): what the uploader declared, where the bytes went, and
 * the document it became. Pending until completed; past `expiresAt` a pending upload is expired and a scheduled job
 * removes it with its bytes. Its stored `fileName` is unique in the folder (the unique key, and the documents checked
 * when it is reserved).
 */
@Entity('archive_uploads')
@Unique('uq_archive_uploads_folder_name', ['relationshipId', 'fiscalYear', 'fileName'])
@Index('idx_archive_uploads_pending', ['completedAt', 'expiresAt'])
export class ArchiveUpload {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'relationship_id', type: 'bigint', unsigned: true })
  relationshipId!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  /** The folder: the fiscal year, named by the year it closes. */
  @Column({ name: 'fiscal_year', type: 'smallint', unsigned: true })
  fiscalYear!: number;

  @Column({ name: 'fiscal_year_end', type: 'date' })
  fiscalYearEnd!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: ArchiveDocumentKind;

  /** The name it is stored and packaged under: safe for every file system and ZIP, unique in the folder. */
  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  /** The name as the uploader gave it. */
  @Column({ name: 'original_file_name', type: 'varchar', length: 1000 })
  originalFileName!: string;

  @Column({ name: 'content_type', type: 'varchar', length: 100 })
  contentType!: string;

  /** Declared size in bytes: the PUT takes no more, and completion wants exactly this. */
  @Column({ name: 'byte_size', type: 'bigint', unsigned: true, transformer: { to: (v: number) => v, from: (v: string) => Number(v) } })
  byteSize!: number;

  /** Declared SHA-256, hex. */
  @Column({ type: 'char', length: 64 })
  sha256!: string;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: 64 })
  createdByUserId!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  /** When the upload URL stops working and the upload, if not completed, expires. */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;

  /** Where the one accepted PUT stored the bytes; null until then. */
  @Column({ name: 'received_key', type: 'varchar', length: 512, nullable: true })
  receivedKey!: string | null;

  @Column({ name: 'received_at', type: 'datetime', precision: 3, nullable: true })
  receivedAt!: Date | null;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt!: Date | null;

  /** The document it became; null before completion, and after retention deleted the document. */
  @Column({ name: 'document_id', type: 'bigint', unsigned: true, nullable: true })
  documentId!: string | null;

  @ManyToOne(() => CustomerRelationship, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'relationship_id' })
  relationship?: CustomerRelationship;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'created_by_user_id' })
  createdBy?: User;

  @ManyToOne(() => ArchiveDocument, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'document_id' })
  document?: ArchiveDocument;
}

/** What the API shows of an upload's state: completed, expired (time ran out first), or still pending. */
export enum ArchiveUploadState {
  PENDING = 'PENDING',
  COMPLETED = 'COMPLETED',
  EXPIRED = 'EXPIRED',
}

export function uploadStateOf(upload: ArchiveUpload, now: Date): ArchiveUploadState {
  if (upload.completedAt) return ArchiveUploadState.COMPLETED;
  return upload.expiresAt.getTime() <= now.getTime() ? ArchiveUploadState.EXPIRED : ArchiveUploadState.PENDING;
}
