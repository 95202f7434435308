import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, JoinColumn, ManyToOne } from 'typeorm';
import { Partner } from '../partners/partner.entity';
import { User } from '../users/user.entity';

/** A company whose books a partner keeps; linked to at most one partner at a time. */
@Entity('clients')
@Index('idx_clients_partner_name', ['partnerId', 'name', 'id'])
@Index('idx_clients_name', ['name', 'id'])
export class Client {
  /** The import file's id. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'organization_number', type: 'char', length: 9, unique: true })
  organizationNumber!: string;

  /** The linked partner (the partner code on the client); null when it has none. */
  @Column({ name: 'partner_id', type: 'varchar', length: 64, nullable: true })
  partnerId!: string | null;

  @Column({ name: 'partner_since', type: 'date', nullable: true })
  partnerSince!: string | null;

  /** 1 = calendar fiscal year. */
  @Column({ name: 'fiscal_year_start_month', type: 'tinyint', unsigned: true, default: 1 })
  fiscalYearStartMonth!: number;

  @Column({ name: 'subscription_admin_user_id', type: 'varchar', length: 64, nullable: true })
  subscriptionAdminUserId!: string | null;

  /** Years the mandatory accounting data is kept after its fiscal year ends (DESIGN S5); at least 5. */
  @Column({ name: 'retention_years', type: 'tinyint', unsigned: true, default: 5 })
  retentionYears!: number;

  /** While true, retention deletes nothing of the client's archive (DESIGN S5). */
  @Column({ name: 'legal_hold', type: 'boolean', default: false })
  legalHold!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => Partner, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'partner_id' })
  partner?: Partner;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'subscription_admin_user_id' })
  subscriptionAdmin?: User;
}
