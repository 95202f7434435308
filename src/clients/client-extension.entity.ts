import { Column, Entity, Index, PrimaryGeneratedColumn, Unique, JoinColumn, ManyToOne } from 'typeorm';
import { Client } from './client.entity';
import { Partner } from '../partners/partner.entity';

/** An integration or setting on a client, possibly owned by a partner. */
@Entity('client_extensions')
@Unique('uq_client_extensions_client_key', ['clientId', 'key'])
@Index('idx_client_extensions_owner', ['ownerPartnerId'])
export class ClientExtension {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 64 })
  clientId!: string;

  @Column({ type: 'varchar', length: 64 })
  key!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'owner_partner_id', type: 'varchar', length: 64, nullable: true })
  ownerPartnerId!: string | null;

  @ManyToOne(() => Client, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'client_id' })
  client?: Client;

  @ManyToOne(() => Partner, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'owner_partner_id' })
  ownerPartner?: Partner;
}
