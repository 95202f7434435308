import { spawn } from 'node:child_process';
import path from 'node:path';
import { API_NODE_ARGS, ApiServer, freePort, superviseChild } from './api-server';

/** The compiled peer of the clients page (bench/peer/clients-page-peer.ts), next to this file in dist/. */
const PEER_JS = path.resolve(__dirname, '..', 'peer', 'clients-page-peer.js');

/**
 * The clients page's peer server as a child process, started like the API (same Node flags, `NODE_ENV=production`,
 * profiled too with BENCH_CPU_PROF) so that their CPU per request compares. Resolves once /readyz answers.
 */
export async function startPeerServer(options: { databaseUrl: string; jwtSecret: string; idKey: Buffer }): Promise<ApiServer> {
  const port = await freePort();
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, ...API_NODE_ARGS, PEER_JS], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      PEER_DATABASE_URL: options.databaseUrl,
      PEER_JWT_SECRET: options.jwtSecret,
      PEER_ID_KEY: options.idKey.toString('hex'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return superviseChild(child, 'the peer server', `http://127.0.0.1:${port}`, 'readyz');
}
