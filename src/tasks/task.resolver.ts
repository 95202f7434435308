import { FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { toGlobalId } from '../common/global-id';
import type { ScheduledTask } from './scheduled-task.entity';
import { ScheduledTaskType } from './task.types';

@Resolver(() => ScheduledTaskType)
export class ScheduledTaskResolver {
  @FieldResolver(() => ID, { description: 'Opaque global id.' })
  id(@Root() task: ScheduledTask): string {
    return toGlobalId('ScheduledTask', task.id);
  }
}
