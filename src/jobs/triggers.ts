import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { noBackupTrigger, type BackupTrigger } from '../archive/backup';
import type { ExportTrigger } from '../archive/export-trigger';
import type { EmailTrigger } from '../notifications/email-trigger';
import type { TaskTrigger } from '../tasks/task-trigger';
import { QueueBackupTrigger } from './backup-queue';
import { QueueEmailTrigger } from './email-queue';
import { QueueExportTrigger } from './export-queue';
import { DEFAULT_RETRY_POLICY, openProducerQueues, RetryPolicy } from './queues';
import { QueueTaskTrigger } from './task-queue';
import type { WebhookTrigger } from '../integrations/webhook-events';
import { openWebhookQueue, QueueWebhookTrigger } from '../integrations/webhook-queue';

/** The after-commit triggers of a process that writes tasks and notifications (the API), with their queues. */
export interface QueueTriggers {
  taskTrigger: TaskTrigger;
  emailTrigger: EmailTrigger;
  exportTrigger: ExportTrigger;
  webhookTrigger: WebhookTrigger;
  /** Backup copies of newly recorded documents (DESIGN S10); does nothing without ARCHIVE_BACKUP. */
  backupTrigger: BackupTrigger;
  close(): Promise<void>;
}

/** Pass the triggers to `openRuntime`; close after the HTTP server has stopped. */
export function openQueueTriggers(config: Config, clock: Clock, logger?: Logger, policy: RetryPolicy = DEFAULT_RETRY_POLICY): QueueTriggers {
  const queues = openProducerQueues(config, logger);
  const webhooks = openWebhookQueue(config, logger);
  return {
    webhookTrigger: new QueueWebhookTrigger(webhooks, logger),
    taskTrigger: new QueueTaskTrigger(queues.tasks, clock, policy, logger),
    emailTrigger: new QueueEmailTrigger(queues.emails, policy, logger),
    exportTrigger: new QueueExportTrigger(queues.exports, policy, logger),
    backupTrigger: config.archiveBackup ? new QueueBackupTrigger(queues.backups, policy, logger) : noBackupTrigger,
    close: async () => {
      await Promise.all([queues.close(), webhooks.close()]);
    },
  };
}
