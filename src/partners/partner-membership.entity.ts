import { Column, Entity, Index, PrimaryColumn, JoinColumn, ManyToOne } from 'typeorm';
import { Partner } from './partner.entity';
import { User } from '../users/user.entity';

export enum PartnerRight {
  CLIENT_ADMIN = 'CLIENT_ADMIN',
  ARCHIVE = 'ARCHIVE',
  /** Manage the partner's API keys and webhook endpoints (docs/integrations.md). */
  INTEGRATIONS = 'INTEGRATIONS',
}

/** A user's membership of a partner, with its rights. */
@Entity('partner_memberships')
@Index('idx_partner_memberships_partner', ['partnerId'])
export class PartnerMembership {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @PrimaryColumn({ name: 'partner_id', type: 'varchar', length: 64 })
  partnerId!: string;

  /** Comma-separated PartnerRight values. */
  @Column({ type: 'simple-array' })
  rights!: PartnerRight[];

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;

  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id' })
  partner?: Partner;
}
