import type { Express, NextFunction, Request, Response } from 'express';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { TokenService } from '../auth/jwt';
import type { Config } from '../config/config';

/**
 * The API explorer: GraphiQL, served by the API itself from node_modules — GraphiQL 3's prebuilt browser bundle with
 * React's UMD builds — so it works offline and on closed company networks: no CDN, no telemetry, no external fonts
 * (the bundle's fonts are inlined in its CSS), and a Content-Security-Policy that lets the page load nothing from
 * anywhere else. A browser asking for `GET /graphql` (Accept: text/html) gets the page; any other client gets the API.
 */

/** The files the page loads, at `/explorer/<name>`: each a file of a package in node_modules. */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'graphiql.min.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  'graphiql.min.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
  'react.production.min.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  'react-dom.production.min.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
};

/** A file of an installed package (its `exports` do not list the browser builds, so it is found beside package.json). */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** Starts GraphiQL with the page's settings (read from a JSON block, so the policy needs no inline script). */
const START_SCRIPT = `(function () {
  var settings = JSON.parse(document.getElementById('explorer-settings').textContent);
  var fetcher = GraphiQL.createFetcher({ url: settings.endpoint });
  ReactDOM.createRoot(document.getElementById('explorer')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.query,
      defaultHeaders: settings.headers,
      defaultEditorToolsVisibility: 'headers',
      shouldPersistHeaders: false,
    }),
  );
})();
`;

/** Nothing but this server: scripts and styles from /explorer, requests to /graphql. GraphiQL sets inline styles. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const WELCOME = `# Klient Admin API explorer
#
# Every request needs a bearer token: see Headers below.
# Get one with: npm run cli -- token <userId>
# (the README's "Trying it" says which demo user
# shows what). Ctrl-Enter runs the query; Docs (top
# left) shows the schema.
#
# Limits: pages of 1-100 (first/last), cost 20,000,
# depth 12; each response's extensions.cost says what
# it cost.

query Explore {
  viewer {
    user { name email }
    memberships { partner { name partnerCode } rights }
  }
  clients(first: 5) {
    totalCount
    nodes { id name organizationNumber partnerCode }
    pageInfo { hasNextPage endCursor }
  }
}
`;

/** The headers editor's text: a demo user's token on a developer's machine, otherwise where a token comes from. */
function headersText(token: string | null, demoUser: string | null): string {
  if (token) {
    return JSON.stringify({ Authorization: `Bearer ${token}`, 'X-Explorer-Note': `A token for the demo user ${demoUser}, valid one hour; reload the page for a new one.` }, null, 2);
  }
  return JSON.stringify({ Authorization: 'Bearer <a token: npm run cli -- token <userId>, or your identity provider>' }, null, 2);
}

function page(settings: { endpoint: string; query: string; headers: string }): string {
  // `<` escaped: the JSON cannot close the element it sits in.
  const json = JSON.stringify(settings).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Klient Admin API explorer</title>
<link rel="stylesheet" href="/explorer/graphiql.min.css">
<style>html, body, #explorer { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="explorer">Loading the explorer…</div>
<script id="explorer-settings" type="application/json">${json}</script>
<script src="/explorer/react.production.min.js"></script>
<script src="/explorer/react-dom.production.min.js"></script>
<script src="/explorer/graphiql.min.js"></script>
<script src="/explorer/start.js"></script>
</body>
</html>
`;
}

/** True when the client prefers HTML over JSON: a browser opening the address, not a GraphQL client. */
export function wantsHtml(req: Request): boolean {
  return req.method === 'GET' && req.accepts(['application/json', 'application/graphql-response+json', 'text/html']) === 'text/html';
}

export interface ExplorerDeps {
  config: Pick<Config, 'graphqlExplorer' | 'explorerDemoUser' | 'nodeEnv'>;
  tokens: TokenService;
  dataSource: DataSource;
}

/**
 * `GET /graphql` for browsers and `/explorer/*` for its files, when GRAPHQL_EXPLORER is on (by default everywhere but
 * production). Outside production the headers are pre-filled with a token for GRAPHQL_EXPLORER_DEMO_USER (default
 * `u-kari`) when that user exists; production never puts a token in the page.
 */
export function explorerRoutes({ config, tokens, dataSource }: ExplorerDeps): (app: Express) => void {
  return (app) => {
    if (!config.graphqlExplorer) return;
    const files = new Map(Object.entries(ASSETS).map(([name, asset]) => [name, { path: packageFile(asset.pkg, asset.file), type: asset.type }]));

    app.get('/explorer/start.js', (_req, res) => {
      res.type('text/javascript; charset=utf-8').setHeader('Cache-Control', 'no-cache');
      res.send(START_SCRIPT);
    });
    app.get('/explorer/:file', (req, res, next) => {
      const file = files.get(String(req.params.file));
      if (!file) return next();
      res.sendFile(file.path, { headers: { 'Content-Type': file.type, 'Cache-Control': 'public, max-age=3600' } });
    });

    app.get('/graphql', async (req: Request, res: Response, next: NextFunction) => {
      if (!wantsHtml(req)) return next();
      try {
        const demoUser = config.nodeEnv === 'production' ? null : config.explorerDemoUser;
        const known = demoUser !== null && (await dataSource.query('SELECT id FROM users WHERE id = ?', [demoUser])).length > 0;
        const token = known ? await tokens.issue(demoUser!, 3600) : null;
        res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Referrer-Policy', 'no-referrer');
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.type('text/html; charset=utf-8').send(page({ endpoint: '/graphql', query: WELCOME, headers: headersText(token, demoUser) }));
      } catch (error) {
        next(error);
      }
    });
  };
}
