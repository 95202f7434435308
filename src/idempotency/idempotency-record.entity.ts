import { Column, Entity, PrimaryGeneratedColumn, Unique, JoinColumn, ManyToOne } from 'typeorm';
import { User } from '../users/user.entity';

/** The first result of a mutation called with an idempotency key, scoped to the caller (DESIGN E10). */
@Entity('idempotency_records')
@Unique('uq_idempotency_records_scope', ['userId', 'operation', 'idempotencyKey'])
export class IdempotencyRecord {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  operation!: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 128 })
  idempotencyKey!: string;

  /** SHA-256 of the canonical input, to refuse the same key with another input. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  /** What is needed to rebuild the first result: its shape is the operation's (`OnceSteps.remember`). */
  @Column({ type: 'json' })
  result!: object;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: User;
}
