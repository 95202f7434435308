import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn, JoinColumn, ManyToOne } from 'typeorm';
import { CustomerRelationship } from '../relationships/customer-relationship.entity';

export enum TaskKind {
  GENERATE_MANDATORY_DATA = 'GENERATE_MANDATORY_DATA',
  APPLY_DEACTIVATIONS = 'APPLY_DEACTIVATIONS',
}

export enum TaskState {
  SCHEDULED = 'SCHEDULED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/** Scheduled work as a row: the database is the truth, the queue only the trigger (DESIGN S1, S2). */
@Entity('scheduled_tasks')
@Unique('uq_scheduled_tasks_relationship_kind', ['relationshipId', 'kind'])
@Index('idx_scheduled_tasks_state_due', ['state', 'dueAt'])
export class ScheduledTask {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true })
  id!: string;

  @Column({ name: 'relationship_id', type: 'bigint', unsigned: true })
  relationshipId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: TaskKind;

  @Column({ type: 'varchar', length: 16 })
  state!: TaskState;

  /** 00:00 Europe/Oslo on the generation date, as UTC. */
  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  @Column({ type: 'int', unsigned: true, default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'started_at', type: 'datetime', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @ManyToOne(() => CustomerRelationship, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'relationship_id' })
  relationship?: CustomerRelationship;
}
