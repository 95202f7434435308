import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** Seconds: from 5 ms (a cached read) to 5 s (a large ending). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Prometheus metrics of one process (`GET /metrics`). */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly graphqlOperationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by operation name and type.',
    labelNames: ['operation', 'type', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'graphql_errors_total',
    help: 'GraphQL errors by code.',
    labelNames: ['code'],
    registers: [this.registry],
  });

  constructor(dataSource?: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    if (dataSource) {
      new Gauge({
        name: 'db_pool_connections',
        help: 'MySQL pool connections by state.',
        labelNames: ['state'],
        registers: [this.registry],
        collect() {
          const pool = poolOf(dataSource);
          if (!pool) return;
          this.set({ state: 'total' }, pool._allConnections?.length ?? 0);
          this.set({ state: 'idle' }, pool._freeConnections?.length ?? 0);
          this.set({ state: 'waiting' }, pool._connectionQueue?.length ?? 0);
        },
      });
    }
  }
}

interface MysqlPoolInternals {
  _allConnections?: unknown[];
  _freeConnections?: unknown[];
  _connectionQueue?: unknown[];
}

/** mysql2 keeps its pool's counts in fields it does not document; read them defensively. */
function poolOf(dataSource: DataSource): MysqlPoolInternals | undefined {
  return (dataSource.driver as unknown as { pool?: MysqlPoolInternals }).pool;
}
