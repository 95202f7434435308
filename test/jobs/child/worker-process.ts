import 'reflect-metadata';
import { openRuntime } from '../../../src/boot';
import { ManualClock } from '../../../src/common/clock';
import type { Config } from '../../../src/config/config';
import { startWorkers } from '../../../src/jobs/worker';
import { recordingGenerator } from '../recording-generator';

/**
 * A worker process for the kill test. Its generator does its (idempotent) work, says GENERATING and then hangs, so
 * the parent can kill the process in the middle of the task. CHILD_CONFIG: the parent's Config; CHILD_NOW: the clock.
 */
async function main(): Promise<void> {
  const config = JSON.parse(process.env.CHILD_CONFIG!) as Config;
  const clock = new ManualClock(process.env.CHILD_NOW!);
  const opened = await openRuntime(config, {
    clock,
    migrate: false,
    createMandatoryDataGenerator: ({ dataSource }) => {
      const record = recordingGenerator({ sql: (q, p) => dataSource.query(q, p), clock });
      return {
        async generate(relationshipId) {
          await record.generate(relationshipId);
          console.log(`GENERATING ${relationshipId}`);
          await new Promise(() => undefined);
        },
      };
    },
  });
  await startWorkers(opened, { lockDurationMs: 1000, policy: { taskAttempts: 3, taskBackoffMs: 50 } });
  console.log('READY');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
