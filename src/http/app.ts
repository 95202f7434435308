import { ApolloServer, ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { Express, NextFunction, Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { archiveDownloadRoutes } from '../archive/download-route';
import { archivePackageRoutes } from '../archive/package-route';
import { archiveUploadRoutes } from '../archive/upload-route';
import { bearerToken, type TokenService } from '../auth/jwt';
import { Viewer } from '../auth/viewer';
import { asApiError, PUBLIC_ERROR_CODES, unauthenticated } from '../graphql/api-errors';
import type { Logger } from '../common/logger';
import type { Config } from '../config/config';
import { RequestContext } from '../graphql/context';
import { formatError } from '../graphql/format-error';
import { apiScopeGate } from '../graphql/api-scopes';
import { looksLikeApiKey } from '../integrations/secrets';
import { CompiledExecution } from '../graphql/compiled-execution';
import { withDirectFieldResolvers } from '../graphql/direct-resolvers';
import { complexityLimit, limitRules, LIMITS } from '../graphql/limits';
import { apiSchema } from '../graphql/schema';
import type { Runtime } from '../runtime';
import { jsonErrorHandler, notFoundRoute, sendJsonError } from './errors';
import { explorerRoutes } from './explorer';
import { Metrics, operationLabels } from './metrics';
import { rateLimit, requestBudgets } from './rate-limit';
import { checkReadiness } from './readiness';

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    log: Logger;
    /** The user of a valid bearer token; null without one (or with a bad one). An API key's: `apikey:<id>`. */
    userId: string | null;
    /** The viewer of a valid API key (docs/integrations.md), built while identifying the caller. */
    apiKeyViewer?: Viewer;
    bearerTokenGiven: boolean;
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

/** Records every operation's latency under bounded labels, and logs unexpected errors with the request id. */
function observability(metrics: Metrics, knownOperationNames: ReadonlySet<string>): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      return {
        async didEncounterErrors({ errors }) {
          for (const error of errors) {
            const code = String(asApiError(error).extensions?.code ?? 'INTERNAL_SERVER_ERROR');
            metrics.graphqlErrors.inc({ code: PUBLIC_ERROR_CODES.has(code) ? code : 'INTERNAL_SERVER_ERROR' });
            if (!PUBLIC_ERROR_CODES.has(code)) contextValue.logger.error({ err: error.originalError ?? error, path: error.path }, 'unexpected error');
          }
        },
        async willSendResponse({ operationName, operation, errors }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          metrics.graphqlOperationDuration.observe({ ...operationLabels(operationName, operation, knownOperationNames), outcome: errors?.length ? 'error' : 'ok' }, seconds);
        },
      };
    },
  };
}

/** Where /metrics is served: `api` is the API's own port, `operations` a port of its own. */
type MetricsPlace = 'api' | 'operations';

/** Compares in constant time, so the token cannot be found byte by byte from response times. */
function tokenMatches(given: string | null, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return given !== null && timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /metrics, as Prometheus exporters usually are: on a port of its own (METRICS_PORT, WORKER_PORT) and/or behind a
 * bearer token (METRICS_TOKEN). In production the API's own port serves it only with a token.
 */
function metricsRoute(app: Express, config: Config, metrics: Metrics, place: MetricsPlace): void {
  app.get('/metrics', async (req, res) => {
    if (place === 'api' && config.metricsPort !== null) return sendJsonError(req, res, 404, 'NOT_FOUND', `Metrics are served on port ${config.metricsPort}.`);
    if (config.metricsToken !== null) {
      if (!tokenMatches(bearerToken(req.header('authorization')), config.metricsToken)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return sendJsonError(req, res, 401, 'UNAUTHENTICATED', 'GET /metrics needs the bearer token set in METRICS_TOKEN.');
      }
    } else if (place === 'api' && config.nodeEnv === 'production') {
      return sendJsonError(req, res, 403, 'FORBIDDEN', 'In production the API port serves metrics only with METRICS_TOKEN; set it, or METRICS_PORT.');
    }
    let text: string;
    try {
      text = await metrics.render();
    } catch (error) {
      return sendJsonError(req, res, 503, 'SERVICE_UNAVAILABLE', (error as Error).message);
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(text);
  });
}

/** `/healthz`, `/readyz` (MySQL and Redis) and `/metrics`: what an operator's probes and Prometheus read. */
function operationsRoutes(app: Express, { dataSource, config }: Pick<Runtime, 'dataSource' | 'config'>, redis: Redis, metrics: Metrics, place: MetricsPlace): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const report = await checkReadiness(dataSource, redis);
    res.status(report.mysql && report.redis ? 200 : 503).json(report);
  });
  metricsRoute(app, config, metrics, place);
}

/** Gives each request an id and a logger, and records its latency by route when it finishes. */
function requestLog(logger: Logger, metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    req.requestId = requestIdOf(req.header('x-request-id'));
    req.log = logger.child({ requestId: req.requestId });
    res.setHeader('X-Request-Id', req.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const path = req.originalUrl.split('?')[0];
      const route = req.route?.path ?? (path.startsWith('/archive/documents/') ? '/archive/documents/:id' : path === '/graphql' ? '/graphql' : 'other');
      metrics.httpRequestDuration.observe({ method: req.method, route: String(route), status: String(res.statusCode) }, seconds);
      req.log.info({ method: req.method, path: path.slice(0, 200), status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
    next();
  };
}

/**
 * The user of a valid bearer token, found once per request: the rate limit and the API both need it. An API key
 * (told by its prefix) is checked here as well, and its viewer kept for the API.
 */
function identifyCaller(tokens: TokenService, apiKeys: Runtime['services']['apiKeys']) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const token = bearerToken(req.header('authorization'));
      req.bearerTokenGiven = token !== null;
      if (token && looksLikeApiKey(token)) {
        const check = await apiKeys.authenticate(token);
        req.apiKeyViewer = 'viewer' in check ? check.viewer : undefined;
        req.userId = req.apiKeyViewer?.userId ?? null;
      } else {
        req.userId = token ? await tokens.verify(token) : null;
      }
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * A small HTTP server with the operations routes only, no API: a worker-only process's (WORKER_PORT), or an API
 * process's metrics port (METRICS_PORT, given the API's metrics).
 */
export function createOperationsApp(runtime: Runtime, redis: Redis, metrics = new Metrics(runtime.dataSource)): { app: Express; metrics: Metrics } {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(runtime.logger, metrics));
  operationsRoutes(app, runtime, redis, metrics, 'operations');
  app.use(notFoundRoute);
  app.use(jsonErrorHandler);
  return { app, metrics };
}

export async function createHttpApp(runtime: Runtime, redis: Redis, extraRoutes?: (app: Express) => void): Promise<HttpApp> {
  const { config } = runtime;
  const metrics = new Metrics(runtime.dataSource);
  const schema = apiSchema();
  const production = config.nodeEnv === 'production';
  const apollo = new ApolloServer<RequestContext>({
    ...(config.graphqlExecution === 'compiled' ? { gateway: new CompiledExecution(withDirectFieldResolvers(schema)).gateway() } : { schema }),
    formatError: formatError({ hideSuggestions: production }),
    // Compact JSON: Apollo's default pretty-prints every response, a measurable share of a page's CPU.
    stringifyResult: (value) => JSON.stringify(value),
    includeStacktraceInErrorResponses: false,
    // Apollo's own messages go to the JSON log, not to the console.
    logger: runtime.logger,
    introspection: !production,
    // The token limit stops an oversized document while it is parsed, before any rule looks at it.
    parseOptions: { maxTokens: LIMITS.tokens },
    validationRules: limitRules(),
    // No cache hints are used; the default cache-control plugin would wrap every field resolver (a large share of the
    // CPU of a clients page).
    plugins: [observability(metrics, config.metricsOperationNames), complexityLimit(schema, LIMITS.complexity), ApolloServerPluginCacheControlDisabled(), apiScopeGate(),
      // Apollo's landing page loads its Sandbox from the internet: the product's own explorer (explorer.ts) replaces it.
      ApolloServerPluginLandingPageDisabled()],
    // A request with a bearer token cannot be forged by another site (a browser asks first before sending the
    // header), so it counts as safe like Apollo's own preflight headers: `GET /graphql?query=…` serves queries
    // (contract: HTTP) to clients that send their token.
    csrfPrevention: { requestHeaders: ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    // The process owns shutdown (main.ts). Apollo's own SIGTERM handler (on outside NODE_ENV=test) raced it and left
    // the API hanging until the 25 s shutdown timer, exiting with status 1.
    stopOnTerminationSignals: false,
  });
  await apollo.start();

  const budgets = requestBudgets(redis, config.queuePrefix, {
    perUser: config.rateLimitPerUser,
    perIp: config.rateLimitPerIp,
    windowSeconds: config.rateLimitWindowSeconds,
  });
  const limitByIp = rateLimit(budgets.perIp, (req) => req.ip ?? req.socket.remoteAddress ?? 'unknown', runtime.logger);
  const limitByUser = rateLimit(budgets.perUser, (req) => req.userId, runtime.logger);

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(requestLog(runtime.logger, metrics));

  operationsRoutes(app, runtime, redis, metrics, 'api');

  // GET <ArchiveDocument.downloadPath>: the archive file, streamed (contract: HTTP); packages and exports as ZIPs, and
  // PUT of uploaded documentation to its signed URL (no bearer token; the per-address limit applies).
  app.use('/archive', limitByIp, identifyCaller(runtime.tokens, runtime.services.apiKeys), limitByUser);
  const archive = { dataSource: runtime.dataSource, tokens: runtime.tokens, apiKeys: runtime.services.apiKeys, visibility: runtime.services.visibility, storage: runtime.services.archiveStorage, clock: runtime.clock };
  archiveDownloadRoutes({ ...archive, redirect: config.archiveDownloads === 'redirect' ? { expiresInSeconds: config.archiveDownloadUrlTtlSeconds } : null })(app);
  archivePackageRoutes(archive)(app);
  archiveUploadRoutes({ ...archive, signingKey: config.archiveUploadSecret })(app);
  extraRoutes?.(app);
  // GET /graphql from a browser: the GraphiQL explorer (GRAPHQL_EXPLORER); every other request goes on to the API.
  explorerRoutes({ config, tokens: runtime.tokens, dataSource: runtime.dataSource })(app);

  app.use(
    '/graphql',
    limitByIp,
    identifyCaller(runtime.tokens, runtime.services.apiKeys),
    limitByUser,
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const viewer = req.apiKeyViewer ?? (req.userId ? await Viewer.load(runtime.dataSource, req.userId) : null);
        if (!viewer) throw unauthenticated(req.bearerTokenGiven ? 'The bearer token is invalid or expired.' : undefined);
        return new RequestContext(runtime, viewer, req.requestId, req.log);
      },
    }),
  );
  app.use(notFoundRoute);
  app.use(jsonErrorHandler);

  return { app, apollo, metrics };
}
