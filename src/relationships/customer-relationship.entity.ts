import { Column, CreateDateColumn, Entity, EntityManager, Index, PrimaryGeneratedColumn, UpdateDateColumn, JoinColumn, ManyToOne } from 'typeorm';
import { Client } from '../clients/client.entity';
import { Partner } from '../partners/partner.entity';
import { User } from '../users/user.entity';

export enum RelationshipStatus {
  ACTIVE = 'ACTIVE',
  ENDED = 'ENDED',
  ARCHIVED = 'ARCHIVED',
  CANCELLED = 'CANCELLED',
}

/** One partner's engagement with one client over time: started, ended, archived. */
@Entity('customer_relationships')
@Index('idx_relationships_client', ['clientId', 'status'])
@Index('idx_relationships_partner_status', ['partnerId', 'status', 'id'])
export class CustomerRelationship {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ name: 'partner_id', type: 'varchar', length: 64 })
  partnerId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RelationshipStatus;

  /** When the partner code was on the client (set by the system). */
  @Column({ name: 'partner_period_start', type: 'date', nullable: true })
  partnerPeriodStart!: string | null;

  @Column({ name: 'partner_period_end', type: 'date', nullable: true })
  partnerPeriodEnd!: string | null;

  /** YYYY-MM: the months the partner says it kept the books for (E2). */
  @Column({ name: 'responsibility_from', type: 'char', length: 7, nullable: true })
  responsibilityFrom!: string | null;

  @Column({ name: 'responsibility_to', type: 'char', length: 7, nullable: true })
  responsibilityTo!: string | null;

  @Column({ name: 'generation_date', type: 'date', nullable: true })
  generationDate!: string | null;

  @Column({ name: 'ended_at', type: 'datetime', precision: 3, nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'ended_by_user_id', type: 'varchar', length: 64, nullable: true })
  endedByUserId!: string | null;

  @Column({ name: 'cancelled_at', type: 'datetime', precision: 3, nullable: true })
  cancelledAt!: Date | null;

  /**
   * The client's name and organization number as they were when the relationship ended (DESIGN A6): what the ending
   * partner sees of the client afterwards, whatever the client is called later. Null until the relationship ends.
   */
  @Column({ name: 'client_name', type: 'varchar', length: 200, nullable: true })
  clientName!: string | null;

  @Column({ name: 'client_organization_number', type: 'char', length: 9, nullable: true })
  clientOrganizationNumber!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => Client, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @ManyToOne(() => Partner, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'partner_id' })
  partner?: Partner;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'ended_by_user_id' })
  endedBy?: User;
}

/** The client's relationships, newest first, read through `manager` (a mutation's transaction). */
export function relationshipsOf(manager: EntityManager, clientId: string): Promise<CustomerRelationship[]> {
  return manager.getRepository(CustomerRelationship).find({ where: { clientId }, order: { id: 'DESC' } });
}
