import type { RetentionDeps } from '../../src/archive/retention';
import type { TaskCommandDeps } from '../../src/tasks/task-commands';
import type { TaskRunnerDeps } from '../../src/tasks/task-runner';
import type { TestApp } from './test-app';

/** What the worker hands `runTask`, from a test app's runtime. */
export function taskRunnerDeps(app: TestApp): TaskRunnerDeps {
  const { dataSource, clock, logger, services } = app.opened.runtime;
  return { dataSource, clock, logger, audit: services.audit, notices: services.notices };
}

/** What the CLI hands the task commands, from a test app's runtime. */
export function taskCommandDeps(app: TestApp): TaskCommandDeps {
  const { dataSource, logger, taskTrigger, services } = app.opened.runtime;
  return { dataSource, logger, taskTrigger, audit: services.audit };
}

/** What the worker and the CLI hand `applyRetention`, from a test app's runtime. */
export function retentionDeps(app: TestApp): RetentionDeps {
  const { dataSource, logger, services } = app.opened.runtime;
  return { dataSource, logger, storage: services.archiveStorage, backup: services.archiveBackupStorage, audit: services.audit };
}
