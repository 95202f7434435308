import type { DataSource } from 'typeorm';
import { VisibilityService } from './access/visibility.service';
import { AuditService } from './audit/audit.service';
import { TokenService } from './auth/jwt';
import { ClientsService } from './clients/clients.service';
import { ArchiveService } from './archive/archive.service';
import type { Clock } from './common/clock';
import type { Logger } from './common/logger';
import type { Config } from './config/config';
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
  services: Services;
}

export interface RuntimeParts {
  config: Config;
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  taskTrigger?: TaskTrigger;
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
    tokens: new TokenService(parts.config.authJwtSecret, clock),
    services,
  };
}
