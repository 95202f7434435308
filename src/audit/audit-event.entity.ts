import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Values in an audit event's before/after. */
export type AuditData = Record<string, string | number | boolean | null | string[]>;

/** Who changed what, when, before and after, under which request (DESIGN A4). */
@Entity('audit_events')
@Index('idx_audit_events_client', ['clientId', 'id'])
@Index('idx_audit_events_relationship', ['relationshipId'])
export class AuditEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64, nullable: true })
  clientId!: string | null;

  @Column({ name: 'relationship_id', type: 'bigint', unsigned: true, nullable: true })
  relationshipId!: string | null;

  /** The user who acted; null for the system (a scheduled task, an import). */
  @Column({ name: 'actor_user_id', type: 'varchar', length: 64, nullable: true })
  actorUserId!: string | null;

  /** The API key the actor acted through (docs/integrations.md); null for a person's own token and the system. */
  @Column({ name: 'api_key_id', type: 'bigint', unsigned: true, nullable: true })
  apiKeyId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'json', nullable: true })
  before!: AuditData | null;

  @Column({ type: 'json', nullable: true })
  after!: AuditData | null;

  @Column({ name: 'request_id', type: 'varchar', length: 64, nullable: true })
  requestId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;
}
