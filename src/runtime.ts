import type { DataSource } from 'typeorm';
import { VisibilityService } from './access/visibility.service';
import { AuditService } from './audit/audit.service';
import { TokenService } from './auth/jwt';
import { ClientsService } from './clients/clients.service';
import { ArchiveService } from './archive/archive.service';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { Config } from './config/config';
import type { MandatoryDataGenerator } from './jobs/mandatory-data';
import { EmailTrigger, noEmailTrigger } from './notifications/email-trigger';
import { noTaskTrigger, TaskTrigger } from './tasks/task-trigger';

/** The product's services, built once per process; resolvers and jobs call them. */
export interface Services {
  visibility: VisibilityService;
  audit: AuditService;
  clients: ClientsService;
  archive: ArchiveService;
}

/** Everything a process (API, worker, CLI) runs on. */
export interface Runtime {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  tokens: TokenService;
  taskTrigger: TaskTrigger;
  /** Queues notification e-mails after commit (DESIGN S6): `uow.onCommit(() => runtime.emailTrigger.sync(ids))`. */
  emailTrigger: EmailTrigger;
  /** Generates the mandatory accounting data (S3); null until a generator is provided — the task then fails visibly. */
  mandatoryDataGenerator: MandatoryDataGenerator | null;
  services: Services;
}

export interface RuntimeParts {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  taskTrigger?: TaskTrigger;
  emailTrigger?: EmailTrigger;
  mandatoryDataGenerator?: MandatoryDataGenerator | null;
}

export function createRuntime(parts: RuntimeParts): Runtime {
  const { dataSource, clock } = parts;
  const services: Services = {
    visibility: new VisibilityService(dataSource),
    audit: new AuditService(clock),
    clients: new ClientsService(dataSource),
    archive: new ArchiveService(dataSource),
  };
  return {
    ...parts,
    taskTrigger: parts.taskTrigger ?? noTaskTrigger,
    emailTrigger: parts.emailTrigger ?? noEmailTrigger,
    mandatoryDataGenerator: parts.mandatoryDataGenerator ?? null,
    tokens: new TokenService(parts.config.authJwtSecret, clock),
    services,
  };
}
