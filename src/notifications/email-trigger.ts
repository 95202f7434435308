/**
 * Puts notification e-mails on the queue after the transaction that wrote the notification rows has committed
 * (DESIGN S6). Call it from `uow.onCommit`; anything it misses (Redis away, the process died) the sweeper sends.
 */
export interface EmailTrigger {
  /** Queue the e-mails of these notification rows (ids as strings). */
  sync(notificationIds: string[]): Promise<void>;
}

/** For processes that run no queue (the CLI, tests that do not send): the worker's sweeper picks the rows up. */
export const noEmailTrigger: EmailTrigger = { sync: async () => undefined };
