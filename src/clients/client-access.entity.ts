import { Column, Entity, EntityManager, Index, PrimaryGeneratedColumn, Unique, JoinColumn, ManyToOne } from 'typeorm';
import { Client } from './client.entity';
import { Partner } from '../partners/partner.entity';
import { User } from '../users/user.entity';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';

export enum ClientRole {
  ADMINISTRATOR = 'ADMINISTRATOR',
}

/** A user's access to one client (a "client user"). */
@Entity('client_accesses')
@Unique('uq_client_accesses_client_user', ['clientId', 'userId'])
@Index('idx_client_accesses_user', ['userId'])
@Index('idx_client_accesses_via_partner', ['viaPartnerId'])
export class ClientAccess {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  /** Comma-separated ClientRole values; empty for an ordinary user. */
  @Column({ type: 'simple-array' })
  roles!: ClientRole[];

  /** The partner this access comes through; null for the client's own staff. */
  @Column({ name: 'via_partner_id', type: 'varchar', length: 64, nullable: true })
  viaPartnerId!: string | null;

  /** Europe/Oslo date from which the access grants nothing (DESIGN A3). */
  @Column({ name: 'deactivation_date', type: 'date', nullable: true })
  deactivationDate!: string | null;

  /** The ending that set the deactivation date, so a reschedule or cancel touches only its own dates (E7, E12). */
  @Column({ name: 'deactivation_relationship_id', type: 'bigint', unsigned: true, nullable: true })
  deactivationRelationshipId!: string | null;

  /** When the deactivation was applied (DESIGN S4). */
  @Column({ name: 'deactivated_at', type: 'datetime', precision: 3, nullable: true })
  deactivatedAt!: Date | null;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @ManyToOne(() => Partner, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'via_partner_id' })
  viaPartner?: Partner;

  @ManyToOne(() => CustomerRelationship, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'deactivation_relationship_id' })
  deactivationRelationship?: CustomerRelationship;
}

/** The client's accesses, oldest first, read through `manager` (a mutation's transaction). */
export function accessesOf(manager: EntityManager, clientId: string): Promise<ClientAccess[]> {
  return manager.getRepository(ClientAccess).find({ where: { clientId }, order: { id: 'ASC' } });
}
