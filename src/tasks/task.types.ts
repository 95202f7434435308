import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NodeInterface } from '../graphql/node';
import { DateTimeScalar } from '../graphql/scalars';
import { TaskKind, TaskState } from './scheduled-task.entity';

registerEnumType(TaskState, {
  name: 'TaskState',
  description: 'Where a scheduled task stands.',
  valuesConfig: {
    SCHEDULED: { description: 'Waiting for its due time.' },
    RUNNING: { description: 'Being carried out.' },
    SUCCEEDED: { description: 'Done.' },
    FAILED: { description: 'Failed; see lastError. Retried with backoff, then left for an operator.' },
    CANCELLED: { description: 'Will not run: the ending was cancelled.' },
  },
});
registerEnumType(TaskKind, {
  name: 'TaskKind',
  description: 'What a scheduled task does at the generation date.',
  valuesConfig: {
    GENERATE_MANDATORY_DATA: { description: 'Generate the mandatory accounting data into the archive.' },
    APPLY_DEACTIVATIONS: { description: "Deactivate the partner's users on the client." },
  },
});

@ObjectType('ScheduledTask', { simpleResolvers: true, implements: NodeInterface, description: 'Work the generation date sets off.' })
export class ScheduledTaskType extends NodeInterface {
  @Field(() => TaskKind, { description: 'What the task does.' })
  kind!: TaskKind;

  @Field(() => TaskState, { description: 'Where it stands.' })
  state!: TaskState;

  @Field(() => DateTimeScalar, { description: '00:00 Europe/Oslo on the generation date.' })
  dueAt!: Date;

  @Field(() => Int, { description: 'How many times it has been tried.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'Why the last try failed.' })
  lastError!: string | null;
}
