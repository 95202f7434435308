import { Column, Entity, Index, PrimaryGeneratedColumn, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { User } from '../users/user.entity';

export enum NotificationKind {
  ADMINISTRATOR_GRANTED = 'ADMINISTRATOR_GRANTED',
  SUBSCRIPTION_ADMIN_RECEIVED = 'SUBSCRIPTION_ADMIN_RECEIVED',
  ARCHIVE_EXPORT_READY = 'ARCHIVE_EXPORT_READY',
  /** No copy of an archive document has its recorded SHA-256 (DESIGN S10). */
  ARCHIVE_DOCUMENT_DAMAGED = 'ARCHIVE_DOCUMENT_DAMAGED',
  RELATIONSHIP_ENDED = 'RELATIONSHIP_ENDED',
  RELATIONSHIP_ENDING_CHANGED = 'RELATIONSHIP_ENDING_CHANGED',
  ARCHIVE_GENERATED = 'ARCHIVE_GENERATED',
  ARCHIVE_GENERATION_FAILED = 'ARCHIVE_GENERATION_FAILED',
  ARCHIVE_EXPIRING = 'ARCHIVE_EXPIRING',
  WEBHOOK_ENDPOINT_DISABLED = 'WEBHOOK_ENDPOINT_DISABLED',
}

/** A notice to a user, readable in the API and sent by e-mail after commit (DESIGN S6). */
@Entity('notifications')
@Index('idx_notifications_user', ['userId', 'id'])
@Index('idx_notifications_email_pending', ['emailSentAt'])
@Unique('uq_notifications_user_dedupe', ['userId', 'dedupeKey'])
export class Notification {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 40 })
  kind!: NotificationKind;

  @Column({ type: 'varchar', length: 1000 })
  message!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'datetime', precision: 3, nullable: true })
  readAt!: Date | null;

  /** Set once the e-mail has been handed to SMTP, so it is never sent twice. */
  @Column({ name: 'email_sent_at', type: 'datetime', precision: 3, nullable: true })
  emailSentAt!: Date | null;

  /** The event the notice reports, unique per user: work that runs twice notifies once (DESIGN S6). */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 191, nullable: true })
  dedupeKey!: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}
