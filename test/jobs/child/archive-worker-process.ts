import 'reflect-metadata';
import { Transform } from 'node:stream';
import type { ArchiveStorage } from '../../../src/archive/archive-storage';
import { SaftMandatoryDataGenerator } from '../../../src/archive/saft-generator';
import { openRuntime } from '../../../src/boot';
import { ManualClock } from '../../../src/common/clock';
import type { Config } from '../../../src/config/config';
import { startWorkers } from '../../../src/jobs/worker';

/**
 * A worker process for the scale-out test (DESIGN S10), with the real SAF-T generator writing to the shared object
 * storage. CHILD_CONFIG: the parent's Config (this process's own ARCHIVE_DIR and TMPDIR: nothing local is shared);
 * CHILD_NOW: the clock. With CHILD_HANG=1 the first archive file stops after its first bytes — an upload under way,
 * never completed — and the process says WRITING, so the parent can kill it in the middle of the generation.
 */
function hangingAfterFirstBytes(storage: ArchiveStorage): ArchiveStorage {
  let said = false;
  return Object.assign(Object.create(storage) as ArchiveStorage, {
    async create(key: string) {
      const file = await storage.create(key);
      const gate = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          if (!said) {
            said = true;
            file.stream.write(chunk);
            console.log(`WRITING ${key}`);
          }
          // Never calls back: the writer waits here until the process is killed.
          void done;
        },
      });
      return { stream: gate, commit: () => file.commit(), discard: () => file.discard() };
    },
  });
}

async function main(): Promise<void> {
  const config = JSON.parse(process.env.CHILD_CONFIG!) as Config;
  const clock = new ManualClock(process.env.CHILD_NOW!);
  const hang = process.env.CHILD_HANG === '1';
  const opened = await openRuntime(config, {
    clock,
    migrate: false,
    createMandatoryDataGenerator: (deps) => new SaftMandatoryDataGenerator(hang ? { ...deps, storage: hangingAfterFirstBytes(deps.storage) } : deps),
  });
  await startWorkers(opened, { lockDurationMs: 1000, stalledIntervalMs: 250, policy: { taskAttempts: 3, taskBackoffMs: 50 } });
  console.log('READY');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
