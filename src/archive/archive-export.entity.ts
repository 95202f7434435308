import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';
import { User } from '../users/user.entity';

export enum ArchiveExportState {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  READY = 'READY',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
}

/**
 * One ZIP of many relationships' archive folders, built in the background (DESIGN S9). The row is the truth, as for
 * scheduled tasks (S1, S2): a BullMQ job with the id `export-<id>` only triggers the build, and the sweeper puts back
 * a job Redis lost.
 */
@Entity('archive_exports')
@Index('idx_archive_exports_state', ['state', 'expiresAt'])
@Index('idx_archive_exports_requester', ['requestedByUserId', 'id'])
export class ArchiveExport {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  /** Only this user sees and downloads it. */
  @Column({ name: 'requested_by_user_id', type: 'varchar', length: 64 })
  requestedByUserId!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: ArchiveExportState;

  @Column({ name: 'relationship_count', type: 'int', unsigned: true })
  relationshipCount!: number;

  /** 0..1: the share of the relationships written so far. */
  @Column({ type: 'double', default: 0 })
  progress!: number;

  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts!: number;

  @Column({ name: 'byte_size', type: 'bigint', unsigned: true, nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  byteSize!: number | null;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  /** Where the ZIP is in the archive storage, once READY. */
  @Column({ name: 'storage_key', type: 'varchar', length: 512, nullable: true })
  storageKey!: string | null;

  /** A public message when the last try failed. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  /** Set when READY: the ZIP is removed after this (EXPIRED). */
  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'requested_by_user_id' })
  requestedBy?: User;
}

/** The relationships of an export, in the order they are written. */
@Entity('archive_export_relationships')
export class ArchiveExportRelationship {
  @PrimaryColumn({ name: 'export_id', type: 'bigint', unsigned: true })
  exportId!: string;

  @PrimaryColumn({ name: 'relationship_id', type: 'bigint', unsigned: true })
  relationshipId!: string;

  @Column({ type: 'smallint', unsigned: true })
  position!: number;

  @ManyToOne(() => ArchiveExport, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'export_id' })
  export?: ArchiveExport;

  @ManyToOne(() => CustomerRelationship, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'relationship_id' })
  relationship?: CustomerRelationship;
}
