import { Kind, OperationDefinitionNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';

/** Seconds: from 5 ms (a cached read) to 5 s (a large ending). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Prometheus metrics of one process (`GET /metrics`). */
export class Metrics {
  readonly registry = new Registry();

  /** The text `/metrics` sends: this process's registry, or, in one of several API processes, the sum over all. */
  render: () => Promise<string> = () => this.registry.metrics();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly graphqlOperationDuration = new Histogram({
    name: 'graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by operation (a name from METRICS_OPERATION_NAMES, else "other"), root field, type and outcome.',
    labelNames: ['operation', 'root_field', 'type', 'outcome'],
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

/**
 * Labels of one GraphQL operation, from bounded sets only: a caller chooses its operation names freely, and every new
 * label value is a new time series kept for the life of the process. The operation name is kept when the operator
 * listed it; the root field is a field of the schema (the document was validated), or `multiple`/`none`.
 */
export function operationLabels(operationName: string | null | undefined, operation: OperationDefinitionNode | undefined, knownNames: ReadonlySet<string>) {
  const fields = operation?.selectionSet.selections.filter((s) => s.kind === Kind.FIELD) ?? [];
  const rootField = !operation ? 'none' : fields.length === 1 && operation.selectionSet.selections.length === 1 && fields[0].kind === Kind.FIELD ? fields[0].name.value : 'multiple';
  return {
    operation: operationName && knownNames.has(operationName) ? operationName : 'other',
    root_field: rootField.slice(0, 64),
    type: operation?.operation ?? 'unknown',
  };
}
