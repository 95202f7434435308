import type { Opened } from '../boot';

/** A running set of workers, stopped on shutdown. */
export interface RunningWorkers {
  stop(): Promise<void>;
}

/** Starts the queue workers and the sweeper (DESIGN S2). */
export async function startWorkers(_opened: Opened): Promise<RunningWorkers> {
  return { stop: async () => undefined };
}
