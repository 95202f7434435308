import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../common/logger';
import type { Metrics } from './metrics';

/**
 * Several API processes behind one port (API_WORKERS, `api` mode): the primary process only forks, watches and stops
 * them; each one is a whole API process (it migrates under the migrations' lock, serves PORT, keeps nothing of its own
 * between requests: rate limits, idempotency and ids live in Redis and MySQL). Node's cluster hands each new
 * connection to the next process. `/metrics`, on whichever process answers it, shows the sum over all of them.
 */

const METRICS_REQUEST = 'klientadmin:api-cluster-metrics';
const METRICS_RESPONSE = 'klientadmin:api-cluster-metrics-response';
/** A process that stops this soon after it was ready is not restarted at once (a crash loop would spin). */
const RESTART_DELAY_MS = 1000;
/** How long the primary waits for its processes to finish their own graceful shutdown (25 s) before killing them. */
const STOP_TIMEOUT_MS = 30_000;

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: string;
}
interface MetricsResponse {
  type: typeof METRICS_RESPONSE;
  id: string;
  text?: string;
  error?: string;
}

export function isApiClusterPrimary(processes: number): boolean {
  return processes > 1 && cluster.isPrimary;
}

/** The primary: forks `processes` API processes, replaces one that stops after it was ready, stops them all on a signal. */
export function runApiCluster(processes: number, logger: Logger): Promise<number> {
  const aggregator = new AggregatorRegistry();
  const ready = new Set<number>();
  let stopping = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    if (!running.length) return finish(code);
    let exitCode = code;
    let left = running.length;
    const killer = setTimeout(() => running.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), STOP_TIMEOUT_MS);
    for (const worker of running) {
      worker.once('exit', (workerCode) => {
        if (workerCode !== 0) exitCode = 1;
        if (--left === 0) {
          clearTimeout(killer);
          finish(exitCode);
        }
      });
      worker.process.kill('SIGTERM');
    }
  };

  const start = () => {
    const worker = cluster.fork();
    const pid = worker.process.pid;
    worker.once('listening', () => {
      ready.add(worker.id);
      logger.info({ pid }, 'API process ready');
      if (ready.size === processes) logger.info({ processes }, 'API ready in every process');
    });
    worker.on('message', (message: MetricsRequest) => {
      if (message?.type !== METRICS_REQUEST) return;
      const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>) => worker.isConnected() && worker.send({ type: METRICS_RESPONSE, id: message.id, ...answer });
      aggregator.clusterMetrics().then(
        (text) => reply({ text }),
        (error: Error) => reply({ error: error.message }),
      );
    });
    worker.once('exit', (code, signal) => {
      const wasReady = ready.delete(worker.id);
      if (stopping) return;
      if (!wasReady) {
        // It could not start (configuration, database, port): another one would not either.
        logger.error({ pid, code, signal }, 'an API process stopped before it was ready; stopping the others');
        return stopAll(1);
      }
      logger.error({ pid, code, signal }, 'an API process stopped; starting another');
      setTimeout(() => stopping || start(), RESTART_DELAY_MS).unref();
    });
  };

  for (let i = 0; i < processes; i++) start();
  logger.info({ processes }, 'starting the API processes');
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      logger.info({ signal }, 'stopping the API processes');
      stopAll(0);
    });
  }
  return finished;
}

/**
 * In an API process forked by `runApiCluster`: answers the primary's requests for this process's metrics, and makes
 * `/metrics` here ask the primary for the sum over every process.
 */
export function joinApiCluster(metrics: Metrics): void {
  if (!cluster.isWorker) return;
  AggregatorRegistry.setRegistries([metrics.registry]);
  // prom-client answers the primary's requests once an aggregator exists in the process.
  new AggregatorRegistry();
  const waiting = new Map<string, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  process.on('message', (message: MetricsResponse) => {
    if (message?.type !== METRICS_RESPONSE) return;
    const request = waiting.get(message.id);
    if (!request) return;
    waiting.delete(message.id);
    if (message.text !== undefined) request.resolve(message.text);
    else request.reject(new Error(`the API processes' metrics could not be collected: ${message.error}`));
  });
  metrics.render = () =>
    new Promise<string>((resolve, reject) => {
      const id = randomUUID();
      const timer = setTimeout(() => {
        waiting.delete(id);
        reject(new Error("the API processes' metrics did not arrive within 10 s"));
      }, 10_000);
      waiting.set(id, {
        resolve: (text) => (clearTimeout(timer), resolve(text)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}
