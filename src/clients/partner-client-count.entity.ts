import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Partner } from '../partners/partner.entity';

/** How many shards a partner's count of linked clients is spread over (`CRC32(client id) % 8`). */
export const CLIENT_COUNT_SHARDS = 8;

/**
 * One shard of the number of clients linked to a partner (`clients.partner_id`), kept exact by the database's
 * triggers on `clients` (migration PartnerClientCounts1765600000000) whatever writes the link: an ending, a cancel, a
 * link, an import, demo data. A partner's count is the sum of its shards; the shards keep two endings of one
 * partner's clients from waiting for each other on one row.
 */
@Entity('partner_client_counts')
export class PartnerClientCount {
  @PrimaryColumn({ name: 'partner_id', type: 'varchar', length: 64 })
  partnerId!: string;

  @PrimaryColumn({ type: 'tinyint', unsigned: true })
  shard!: number;

  @Column({ type: 'int' })
  clients!: number;

  @ManyToOne(() => Partner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'partner_id', foreignKeyConstraintName: 'FK_partner_client_counts_partner' })
  partner?: Partner;
}
