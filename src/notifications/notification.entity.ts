import { Column, Entity, Index, PrimaryGeneratedColumn, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../users/user.entity';

export enum NotificationKind {
  ADMINISTRATOR_GRANTED = 'ADMINISTRATOR_GRANTED',
  SUBSCRIPTION_ADMIN_RECEIVED = 'SUBSCRIPTION_ADMIN_RECEIVED',
  ARCHIVE_EXPORT_READY = 'ARCHIVE_EXPORT_READY',
  /** No copy of an archive document has its recorded SHA-256 (DESIGN S10). */
  ARCHIVE_DOCUMENT_DAMAGED = 'ARCHIVE_DOCUMENT_DAMAGED',
  WEBHOOK_ENDPOINT_DISABLED = 'WEBHOOK_ENDPOINT_DISABLED',
}

/** A notice to a user, readable in the API and sent by e-mail after commit (DESIGN S6). */
@Entity('notifications')
@Index('idx_notifications_user', ['userId', 'id'])
@Index('idx_notifications_email_pending', ['emailSentAt'])
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

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}
