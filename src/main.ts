import 'reflect-metadata';
import type { Server } from 'node:http';
import { inspect } from 'node:util';
import { openRuntime, StartupError } from './boot';
import { processClock } from './common/clock';
import { createLogger } from './common/logger';
import { redactCredentials } from './common/redact';
import { ConfigError, loadConfig } from './config/config';
import { isApiClusterPrimary, joinApiCluster, runApiCluster } from './http/api-cluster';
import { createHttpApp, createOperationsApp } from './http/app';
import { ImportError } from './import/import-file';
import { openQueueTriggers } from './jobs/triggers';
import { RunningWorkers, startWorkers } from './jobs/worker';
import { DEMO_FILE, DEMO_USER_ID, loadDemoDataIfEmpty } from './demo/demo-data';

type Mode = 'all' | 'api' | 'worker';

async function main(mode: Mode): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.authJwtSecretIsDefault) logger.warn('AUTH_JWT_SECRET is not set: using the development secret. Set it in production.');
  for (const warning of config.warnings) logger.warn(warning);
  if (mode === 'api' && isApiClusterPrimary(config.apiWorkers)) process.exit(await runApiCluster(config.apiWorkers, logger));
  if (mode !== 'api' && config.apiWorkers > 1) logger.warn(`API_WORKERS applies to the api mode (npm run start:api) only, not to ${mode}`);
  // One clock for every rule (DESIGN S7): the system's, moved by CLOCK_OFFSET on a developer's machine.
  const clock = processClock(config);
  if (config.clockOffsetMs !== 0) logger.warn({ offsetHours: config.clockOffsetMs / 3_600_000, now: clock.now().toISOString() }, 'CLOCK_OFFSET: the clock runs off the real time');
  // Tasks and notification e-mails written by this process go on the queues after commit (DESIGN S2, S6).
  const triggers = openQueueTriggers(config, clock, logger);
  const opened = await openRuntime(config, {
    clock,
    logger,
    migrate: true,
    taskTrigger: triggers.taskTrigger,
    emailTrigger: triggers.emailTrigger,
    exportTrigger: triggers.exportTrigger,
    webhookTrigger: triggers.webhookTrigger,
    backupTrigger: triggers.backupTrigger,
  });
  const { runtime } = opened;

  let server: Server | undefined;
  let workers: RunningWorkers | undefined;
  let stopHttp: (() => Promise<void>) | undefined;

  if (mode === 'all' && (await loadDemoDataIfEmpty(opened))) logger.info({ file: DEMO_FILE }, 'demo data loaded');
  const http = mode !== 'worker' ? await createHttpApp(runtime, opened.redis) : undefined;
  if (http) joinApiCluster(http.metrics);
  // A worker process serves its own health, readiness and metrics; with the API, the workers' metrics are on its
  // metrics (on METRICS_PORT when that is set).
  const operations =
    mode === 'worker' ? createOperationsApp(runtime, opened.redis) : config.metricsPort !== null ? createOperationsApp(runtime, opened.redis, http!.metrics) : undefined;
  if (mode !== 'api') workers = await startWorkers(opened, { registry: (http ?? operations)?.metrics.registry });
  let operationsServer: Server | undefined;
  if (operations) {
    const operationsPort = mode === 'worker' ? config.workerPort : config.metricsPort!;
    operationsServer = await new Promise<Server>((resolve) => {
      const s = operations.app.listen(operationsPort, () => resolve(s));
    });
    if (mode === 'worker') server = operationsServer;
    logger.info({ port: operationsPort }, mode === 'worker' ? 'worker ready: /healthz, /readyz and /metrics' : 'metrics served on their own port');
  }
  if (http) {
    server = await new Promise<Server>((resolve) => {
      const s = http.app.listen(config.port, () => resolve(s));
    });
    stopHttp = () => http.apollo.stop();
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://localhost:${port}/graphql`;
    logger.info({ url }, 'API ready');
    if (mode === 'all') {
      console.log(`\nKlient Admin is running: ${url}`);
      // Not in production: a token printed there would stay in the service's logs, usable by anyone who reads them.
      const demoUser = config.nodeEnv === 'production' ? [] : await runtime.dataSource.query('SELECT id FROM users WHERE id = ?', [DEMO_USER_ID]);
      if (demoUser.length) {
        const validFor = Math.min(3600, config.authJwtMaxAgeSeconds);
        const lifetime = validFor === 3600 ? 'one hour' : `${validFor} seconds, AUTH_JWT_MAX_AGE`;
        console.log(`A token for the demo user ${DEMO_USER_ID} (valid ${lifetime}):\n\n  ${await runtime.tokens.issue(DEMO_USER_ID, validFor)}\n`);
        console.log(`Try: curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer <token>" -d '{"query":"{ viewer { user { name } } }"}'`);
        if (config.graphqlExplorer) console.log(`Or open ${url} in a browser: the API explorer, with this token in its headers.\n`);
      }
    }
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    // Stop accepting; idle keep-alive connections go now, requests under way finish.
    const closed = new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server?.closeIdleConnections();
    await closed;
    if (operationsServer && operationsServer !== server) {
      const metricsClosed = new Promise<void>((resolve) => operationsServer!.close(() => resolve()));
      operationsServer.closeAllConnections(); // scrapes are short; nothing worth waiting for
      await metricsClosed;
    }
    await stopHttp?.();
    await workers?.stop();
    await triggers.close();
    await opened.close();
    clearTimeout(timer);
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

const mode = (process.argv[2] ?? 'all') as Mode;
if (!['all', 'api', 'worker'].includes(mode)) {
  console.error('Usage: node dist/src/main.js [all|api|worker]');
  process.exit(2);
}
main(mode).catch((error) => {
  // Whatever failed, a URL with a password in the message is printed without the password.
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof ImportError) console.error(redactCredentials(error.message));
  else console.error(redactCredentials(inspect(error)));
  process.exit(1);
});
