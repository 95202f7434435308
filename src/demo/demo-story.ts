import type { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Viewer } from '../auth/viewer';
import { addDays, Clock, ManualClock, osloDateOf, osloMidnight, osloToday } from '../common/clock';
import { toGlobalId } from '../common/global-id';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { runInTransaction } from '../db/unit-of-work';
import { DEFAULT_TASK_ATTEMPTS } from '../jobs/queues';
import { createRuntime, type Runtime } from '../runtime';
import { ScheduledTask, TaskKind } from '../tasks/scheduled-task.entity';
import { runTask } from '../tasks/task-runner';

/**
 * The demo's history, made at first start by the product itself: endings through the ending service and archives by
 * the real SAF-T generator from the demo clients' books — nothing copied in. A newcomer then sees, straight away, the
 * three stages of an ending: a generated archive, a pending ending (and, with CLOCK_OFFSET=+3d, its generation), and
 * clients still active.
 */

/** An ending of the demo: who ends which client, for which months, how many days before (or after) today it generates. */
interface DemoEnding {
  clientId: string;
  endedBy: string;
  responsibilityFrom: string;
  responsibilityTo: string;
  /** Days from today to the generation date: negative for an ending already generated. */
  generationInDays: number;
}

/** Lofoten Sjømat (Nordlys, fiscal year July–June) and Tromsø Nordlysguiding (Fjelltopp): archived with their books. */
export const ARCHIVED_DEMO_ENDINGS: DemoEnding[] = [
  { clientId: 'c-lofoten', endedBy: 'u-kari', responsibilityFrom: '2024-12', responsibilityTo: '2025-06', generationInDays: -10 },
  { clientId: 'c-tromso', endedBy: 'u-lars', responsibilityFrom: '2025-01', responsibilityTo: '2025-12', generationInDays: -5 },
];

/** Fjord Bakeri (Nordlys): ended, generating in three days, so `CLOCK_OFFSET=+3d` shows its generation. */
export const PENDING_DEMO_ENDING: DemoEnding = {
  clientId: 'c-fjord',
  endedBy: 'u-kari',
  responsibilityFrom: '2025-01',
  responsibilityTo: '2025-12',
  generationInDays: 3,
};

/** How long before its generation date a demo ending was made. */
const DAYS_ENDED_BEFORE_GENERATION = 30;

export interface DemoStoryDeps {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  /** The process's clock: "today" of the story. */
  clock: Clock;
}

async function callerFor(dataSource: DataSource, userId: string): Promise<Caller> {
  const viewer = await Viewer.load(dataSource, userId);
  if (!viewer) throw new Error(`The demo data has no user ${userId}.`);
  return { viewer, actor: { userId, requestId: 'demo-setup' } };
}

/** Ends one demo relationship through the ending service, as the API would, on the runtime's clock. */
async function end(runtime: Runtime, ending: DemoEnding, generationDate: string): Promise<string> {
  const caller = await callerFor(runtime.dataSource, ending.endedBy);
  const input = {
    clientId: toGlobalId('Client', ending.clientId),
    responsibilityFrom: ending.responsibilityFrom,
    responsibilityTo: ending.responsibilityTo,
    generationDate,
  };
  const result = await runInTransaction(runtime.dataSource, (uow) => runtime.services.endings.end(uow, caller, input), {
    rollbackIf: (r) => r.userErrors.length > 0,
  });
  if (result.userErrors.length > 0 || !result.relationship) {
    throw new Error(`The demo ending of ${ending.clientId} was refused: ${result.userErrors.map((e) => e.message).join('; ')}`);
  }
  return result.relationship.id;
}

/**
 * Writes the demo's endings into a database that has just received the demo data: two relationships ended weeks ago
 * and generated into the archive on their generation date, one ending pending. Each step runs on a clock set to the
 * day it happens, so dates, audit events and files look as they would have.
 */
export async function tellDemoStory({ config, dataSource, logger, clock }: DemoStoryDeps): Promise<void> {
  const today = osloToday(clock);
  const past = new ManualClock(clock.now());
  const then = createRuntime({ config, dataSource, clock: past, logger });

  for (const ending of ARCHIVED_DEMO_ENDINGS) {
    const generationDate = addDays(today, ending.generationInDays);
    past.set(new Date(osloMidnight(addDays(generationDate, -DAYS_ENDED_BEFORE_GENERATION)).getTime() + 10 * 3_600_000));
    const relationshipId = await end(then, ending, generationDate);
    // The generation date has come: the tasks run as the worker would run them, with the real generator.
    past.set(new Date(osloMidnight(generationDate).getTime() + 60_000));
    const tasks = await dataSource.getRepository(ScheduledTask).findBy({ relationshipId });
    const generationFirst = (task: ScheduledTask) => (task.kind === TaskKind.GENERATE_MANDATORY_DATA ? 0 : 1);
    for (const task of tasks.sort((a, b) => generationFirst(a) - generationFirst(b))) {
      const outcome = await runTask({ dataSource, clock: past, logger, audit: then.services.audit, notices: then.services.notices }, task.id, {
        maxAttempts: DEFAULT_TASK_ATTEMPTS,
        generator: then.mandatoryDataGenerator,
      });
      if (outcome.outcome !== 'succeeded') throw new Error(`The demo's ${task.kind} task for ${ending.clientId} did not finish: ${JSON.stringify(outcome)}`);
    }
    logger.info({ client: ending.clientId, generationDate }, 'demo: relationship ended and archived');
  }

  // The pending ending is made today, on the process's own clock, so the process's workers pick it up when it is due.
  const now = createRuntime({ config, dataSource, clock, logger });
  const generationDate = addDays(today, PENDING_DEMO_ENDING.generationInDays);
  await end(now, PENDING_DEMO_ENDING, generationDate);
  logger.info({ client: PENDING_DEMO_ENDING.clientId, generationDate, today: osloDateOf(clock.now()) }, 'demo: relationship ended, generation pending');
}
