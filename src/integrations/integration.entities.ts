import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Partner } from '../partners/partner.entity';
import { User } from '../users/user.entity';
import { ApiScope } from './api-scope';

/** A partner's API key (docs/integrations.md). Only a keyed hash of its secret is kept. */
@Entity('api_keys')
@Unique('uq_api_keys_secret_hash', ['secretHash'])
@Index('idx_api_keys_partner', ['partnerId', 'id'])
export class ApiKey {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'partner_id', type: 'varchar', length: 64 })
  partnerId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Comma-separated ApiScope values. */
  @Column({ type: 'simple-array' })
  scopes!: ApiScope[];

  /** The first characters of the secret, to recognise it (`kak_AbCd1234`). */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  /** HMAC-SHA256 of the secret under the installation's integrations key. */
  @Column({ name: 'secret_hash', type: 'binary', length: 32 })
  secretHash!: Buffer;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: 64, nullable: true })
  createdByUserId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3, nullable: true })
  expiresAt!: Date | null;

  /** Coalesced: written at most once a minute per key and process. */
  @Column({ name: 'last_used_at', type: 'datetime', precision: 3, nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'datetime', precision: 3, nullable: true })
  revokedAt!: Date | null;

  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id', foreignKeyConstraintName: 'FK_api_keys_partner' })
  partner?: Partner;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id', foreignKeyConstraintName: 'FK_api_keys_created_by' })
  createdBy?: User;
}

export enum WebhookEventType {
  RELATIONSHIP_ENDED = 'RELATIONSHIP_ENDED',
  RELATIONSHIP_UPDATED = 'RELATIONSHIP_UPDATED',
  RELATIONSHIP_CANCELLED = 'RELATIONSHIP_CANCELLED',
  ARCHIVE_GENERATED = 'ARCHIVE_GENERATED',
  ARCHIVE_GENERATION_FAILED = 'ARCHIVE_GENERATION_FAILED',
  ARCHIVE_EXPORT_READY = 'ARCHIVE_EXPORT_READY',
}

/** Where a partner wants its events POSTed. Deleted endpoints are kept (marked) so their deliveries stay readable. */
@Entity('webhook_endpoints')
@Index('idx_webhook_endpoints_partner', ['partnerId', 'id'])
export class WebhookEndpoint {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'partner_id', type: 'varchar', length: 64 })
  partnerId!: string;

  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  /** Comma-separated WebhookEventType values. */
  @Column({ type: 'simple-array' })
  events!: WebhookEventType[];

  /** The `whsec_` signing secret, sealed with the installation's integrations key (AES-256-GCM). */
  @Column({ name: 'secret_sealed', type: 'varbinary', length: 255 })
  secretSealed!: Buffer;

  @Column({ name: 'created_by_user_id', type: 'varchar', length: 64, nullable: true })
  createdByUserId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'deleted_at', type: 'datetime', precision: 3, nullable: true })
  deletedAt!: Date | null;

  @Column({ name: 'disabled_at', type: 'datetime', precision: 3, nullable: true })
  disabledAt!: Date | null;

  /** The first failed try since the last delivered one; three days of failures disable the endpoint. */
  @Column({ name: 'failing_since', type: 'datetime', precision: 3, nullable: true })
  failingSince!: Date | null;

  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id', foreignKeyConstraintName: 'FK_webhook_endpoints_partner' })
  partner?: Partner;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'created_by_user_id', foreignKeyConstraintName: 'FK_webhook_endpoints_created_by' })
  createdBy?: User;
}

/** One event, written in the transaction that caused it (the outbox); its body is fixed then, byte for byte. */
@Entity('webhook_events')
export class WebhookEvent {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'partner_id', type: 'varchar', length: 64 })
  partnerId!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: WebhookEventType;

  /** The JSON body as POSTed and signed. */
  @Column({ type: 'mediumtext' })
  body!: string;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id', foreignKeyConstraintName: 'FK_webhook_events_partner' })
  partner?: Partner;
}

export enum WebhookDeliveryState {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}

/** One event for one endpoint: the row is the truth, a BullMQ job only its trigger. */
@Entity('webhook_deliveries')
@Unique('uq_webhook_deliveries_event_endpoint', ['eventId', 'endpointId'])
@Index('idx_webhook_deliveries_due', ['state', 'nextAttemptAt'])
@Index('idx_webhook_deliveries_endpoint', ['endpointId', 'id'])
export class WebhookDelivery {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'event_id', type: 'bigint', unsigned: true })
  eventId!: string;

  @Column({ name: 'endpoint_id', type: 'bigint', unsigned: true })
  endpointId!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: WebhookDeliveryState;

  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts!: number;

  /** When the next try is due (PENDING only), by the process clock. */
  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3, nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'last_status_code', type: 'smallint', unsigned: true, nullable: true })
  lastStatusCode!: number | null;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'delivered_at', type: 'datetime', precision: 3, nullable: true })
  deliveredAt!: Date | null;

  @ManyToOne(() => WebhookEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'FK_webhook_deliveries_event' })
  event?: WebhookEvent;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'endpoint_id', foreignKeyConstraintName: 'FK_webhook_deliveries_endpoint' })
  endpoint?: WebhookEndpoint;
}

export const INTEGRATION_ENTITIES = [ApiKey, WebhookEndpoint, WebhookEvent, WebhookDelivery];
