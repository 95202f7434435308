/**
 * Puts archive exports on their queue after the transaction that wrote their rows has committed (DESIGN S2, S9):
 * one job per export, id `export-<id>`. Anything it misses (Redis away, the process died) the sweeper queues.
 */
export interface ExportTrigger {
  queued(exportIds: string[]): Promise<void>;
}

/** For processes that run no queue (the CLI): the worker's sweeper picks the rows up. */
export const noExportTrigger: ExportTrigger = { queued: async () => undefined };
