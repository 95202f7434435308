import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An accounting firm (byrå). Its partner code links clients to it. */
@Entity('partners')
export class Partner {
  /** The import file's id; stable across imports. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'partner_code', type: 'varchar', length: 32, unique: true })
  partnerCode!: string;

  @Column({ name: 'organization_number', type: 'varchar', length: 9, nullable: true })
  organizationNumber!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
