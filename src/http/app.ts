import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express } from 'express';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { archiveDownloadRoutes } from '../archive/download-route';
import { bearerToken } from '../auth/jwt';
import { Viewer } from '../auth/viewer';
import { PUBLIC_ERROR_CODES, unauthenticated } from '../common/errors';
import type { Logger } from '../common/logger';
import { RequestContext } from '../graphql/context';
import { complexityLimit, depthLimit, MAX_COMPLEXITY, MAX_DEPTH } from '../graphql/limits';
import { apiSchema } from '../graphql/schema';
import type { Runtime } from '../runtime';
import { Metrics } from './metrics';
import { checkReadiness } from './readiness';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    log: Logger;
  }
}

export interface HttpApp {
  app: Express;
  apollo: ApolloServer<RequestContext>;
  metrics: Metrics;
}

/** Request id from X-Request-Id when the caller sends a sane one; it goes into logs and audit events. */
function requestIdOf(header: string | undefined): string {
  return header && /^[A-Za-z0-9._:-]{1,64}$/.test(header) ? header : randomUUID();
}

/** Records every operation's latency by name, and logs unexpected errors with the request id. */
function observability(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const code = String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            metrics.graphqlErrors.inc({ code: PUBLIC_ERROR_CODES.has(code) ? code : 'INTERNAL_SERVER_ERROR' });
            if (!PUBLIC_ERROR_CODES.has(code)) contextValue.logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
          }
        },
        async willSendResponse({ operationName, operation, errors }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlOperationDuration.observe(
            { operation: operationName ?? 'anonymous', type: operation?.operation ?? 'unknown', outcome: errors?.length ? 'error' : 'ok' },
            seconds,
          );
        },
      };
    },
  };
}

/** Internal details never reach the client: anything without a public code is INTERNAL_SERVER_ERROR. */
export function formatError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  let code = String(formatted.extensions?.code ?? '');
  // A malformed scalar written into the query text fails validation; it is bad input all the same (contract).
  if (code === 'GRAPHQL_VALIDATION_FAILED' && (error as GraphQLError | undefined)?.originalError instanceof GraphQLError) {
    const inner = (error as GraphQLError).originalError as GraphQLError;
    if (inner.extensions?.code === 'BAD_USER_INPUT') code = 'BAD_USER_INPUT';
  }
  if (PUBLIC_ERROR_CODES.has(code)) {
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions: { ...extensions, code } };
  }
  return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/** `/healthz`, `/readyz` (MySQL and Redis) and `/metrics`: what an operator's probes and Prometheus read. */
function operationsRoutes(app: Express, runtime: Runtime, redis: Redis, metrics: Metrics): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await checkReadiness(runtime.dataSource, redis);
    res.status(report.mysql && report.redis ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
}

/** A worker process's own small HTTP server: the operations routes only, no API. */
export function createOperationsApp(runtime: Runtime, redis: Redis): { app: Express; metrics: Metrics } {
  const metrics = new Metrics(runtime.dataSource);
  const app = express();
  app.disable('x-powered-by');
  operationsRoutes(app, runtime, redis, metrics);
  return { app, metrics };
}

export async function createHttpApp(runtime: Runtime, redis: Redis, extraRoutes?: (app: Express) => void): Promise<HttpApp> {
  const metrics = new Metrics(runtime.dataSource);
  const schema = apiSchema();
  const apollo = new ApolloServer<RequestContext>({
    schema,
    formatError,
    // Compact JSON: Apollo's default pretty-prints every response, a measurable share of a page's CPU.
    stringifyResult: (value) => JSON.stringify(value),
    includeStacktraceInErrorResponses: false,
    validationRules: [depthLimit(MAX_DEPTH)],
    // No cache hints are used; the default cache-control plugin would wrap every field resolver (a large share of the
    // CPU of a clients page).
    plugins: [observability(metrics), complexityLimit(schema, MAX_COMPLEXITY), ApolloServerPluginCacheControlDisabled()],
    csrfPrevention: true,
    // The process owns shutdown (main.ts). Apollo's own SIGTERM handler (on outside NODE_ENV=test) raced it and left
    // the API hanging until the 25 s shutdown timer, exiting with status 1.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  app.use((req, res, next) => {
    req.requestId = requestIdOf(req.header('x-request-id'));
    req.log = runtime.logger.child({ requestId: req.requestId });
    res.setHeader('X-Request-Id', req.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = req.originalUrl.split('?')[0];
      const route = req.route?.path ?? (path.startsWith('/archive/documents/') ? '/archive/documents/:id' : path === '/graphql' ? '/graphql' : 'other');
      metrics.httpRequestDuration.observe({ method: req.method, route: String(route), status: String(res.statusCode) }, seconds);
      req.log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  });

  operationsRoutes(app, runtime, redis, metrics);

  // GET <ArchiveDocument.downloadPath>: the archive file, streamed (contract: HTTP).
  archiveDownloadRoutes(runtime, runtime.services.archiveStorage)(app);
  extraRoutes?.(app);

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const token = bearerToken(req.header('authorization'));
        const userId = token ? await runtime.tokens.verify(token) : null;
        const viewer = userId ? await Viewer.load(runtime.dataSource, userId) : null;
        if (!viewer) throw unauthenticated(token ? 'The bearer token is invalid or expired.' : undefined);
        return new RequestContext(runtime, viewer, req.requestId, req.log);
      },
    }),
  );

  return { app, apollo, metrics };
}
