import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { TokenService } from '../../src/auth/jwt';
import { addDays, osloToday, systemClock } from '../../src/common/clock';
import { loadConfig } from '../../src/config/config';
import { startProduct, until, type ProductProcess } from '../support/product-process';

const ARCHIVE = `{ archive { nodes { status generationDate client { name } tasks { kind state }
  documents { kind fiscalYear downloadPath } } } }`;
const ADMINISTERED = `{ viewer { administeredClients { name partnerCode relationships { status documents { kind downloadPath } } } } }`;

/** The users the README's "Trying it" names, each for a view of its own. */
const DEMO_USERS = ['u-kari', 'u-per', 'u-ingrid', 'u-magnus', 'u-lars', 'u-fjord-1', 'u-lofoten-1', 'u-voss-1'];

interface Run {
  product: ProductProcess;
  url: string;
  token: string;
}

/**
 * A newcomer's first minutes: `npm start` on an empty database loads the demo, whose history the product makes itself —
 * two relationships ended weeks ago and archived by the real generator from the demo books, one ending pending — and
 * a restart with CLOCK_OFFSET=+3d shows the pending one generated.
 */
describe('the demo shows the whole story (npm start on an empty database)', () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const base = new URL(process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/klientadmin');
  const databaseUrl = new URL(base);
  databaseUrl.pathname = `/ka_test_${suffix}`;
  const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const env: Record<string, string> = {
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: `ka-test-${suffix}`,
    PORT: '0',
    ARCHIVE_DIR: path.join(tmpdir(), `klientadmin-test-archive-${suffix}`),
    LOG_LEVEL: 'warn',
  };
  const runs: ProductProcess[] = [];
  // The development secret: `npm start` on a laptop runs without AUTH_JWT_SECRET.
  const tokens = new TokenService(loadConfig({}), systemClock);

  async function start(extra: Record<string, string> = {}): Promise<Run & { seconds: number }> {
    const started = Date.now();
    const product = startProduct('all', { ...env, ...extra });
    runs.push(product);
    await until(product, /A token for the demo user u-kari[^\n]*\n\n\s+(\S+)\n/, 150_000);
    const url = /Klient Admin is running: (\S+)/.exec(product.stdout)![1].replace('localhost', '127.0.0.1');
    const token = /A token for the demo user u-kari[^\n]*\n\n\s+(\S+)\n/.exec(product.stdout)![1];
    return { product, url, token, seconds: (Date.now() - started) / 1000 };
  }

  async function gql(run: Run, query: string, as?: string) {
    const token = as ? await tokens.issue(as) : run.token;
    const res = await fetch(run.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }) });
    return (await res.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
  }

  afterAll(async () => {
    await Promise.all(runs.map((run) => run.stop()));
    const serverUrl = new URL(base);
    serverUrl.pathname = '/';
    const server = await mysql.createConnection(serverUrl.toString());
    await server.query(`DROP DATABASE IF EXISTS \`ka_test_${suffix}\``);
    await server.end();
    const redis = new Redis(redisUrl);
    const keys = await redis.keys(`${env.QUEUE_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await rm(env.ARCHIVE_DIR, { recursive: true, force: true });
  }, 60_000);

  it('first start: generated archives from the demo books, one pending ending, users of every kind; CLOCK_OFFSET=+3d then generates the pending one', async () => {
    const today = osloToday(systemClock);
    const first = await start();
    // Done means: a newcomer sees a generated archive within two minutes of cloning (installing takes the rest).
    console.log(`npm start on an empty database: demo loaded, archives generated, API ready in ${first.seconds.toFixed(1)} s`);
    expect(first.seconds).toBeLessThan(120);

    const kari = (await gql(first, ARCHIVE)).data.archive.nodes;
    expect(kari.map((r: any) => [r.client.name, r.status]).sort()).toEqual([
      ['Fjord Bakeri AS', 'ENDED'],
      ['Lofoten Sjømat AS', 'ARCHIVED'],
    ]);
    const pending = kari.find((r: any) => r.status === 'ENDED');
    const lofoten = kari.find((r: any) => r.status === 'ARCHIVED');
    expect(pending.generationDate).toBe(addDays(today, 3));
    expect(pending.tasks.map((t: any) => t.state)).toEqual(['SCHEDULED', 'SCHEDULED']);
    expect(pending.documents).toEqual([]);
    expect(lofoten.generationDate).toBe(addDays(today, -10));
    expect(lofoten.tasks.map((t: any) => t.state)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    expect(lofoten.documents.map((d: any) => d.kind)).toContain('SAFT_FINANCIAL');
    expect(lofoten.documents.every((d: any) => d.fiscalYear === 2025)).toBe(true);
    // The file is really there, made from the books: a SAF-T audit file.
    const saft = lofoten.documents.find((d: any) => d.kind === 'SAFT_FINANCIAL');
    const file = await fetch(new URL(saft.downloadPath, first.url), { headers: { authorization: `Bearer ${first.token}` } });
    expect(file.status).toBe(200);
    const xml = await file.text();
    expect(xml).toContain('<AuditFile');
    expect(xml).toContain('<Journal>');

    // Fjelltopp's archive: Tromsø, generated; Magnus sees it with ARCHIVE in Fjelltopp only.
    for (const user of ['u-lars', 'u-magnus']) {
      const archive = (await gql(first, ARCHIVE, user)).data.archive.nodes;
      expect(archive.map((r: any) => [r.client.name, r.status, r.documents.length > 0])).toEqual([['Tromsø Nordlysguiding AS', 'ARCHIVED', true]]);
    }
    // Per has CLIENT_ADMIN but not ARCHIVE; Ingrid belongs to two partners.
    expect((await gql(first, ARCHIVE, 'u-per')).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const ingrid = (await gql(first, '{ viewer { memberships { partner { partnerCode } rights } } }', 'u-ingrid')).data.viewer.memberships;
    expect(ingrid.map((m: any) => m.partner.partnerCode).sort()).toEqual(['FJELLTOPP', 'NORDLYS']);
    // The clients' own administrators: Lofoten's reads its archive (A7), Fjord's sees its pending ending, Voss has no partner.
    const lofotenAdmin = (await gql(first, ADMINISTERED, 'u-lofoten-1')).data.viewer.administeredClients;
    expect(lofotenAdmin).toEqual([{ name: 'Lofoten Sjømat AS', partnerCode: null, relationships: [expect.objectContaining({ status: 'ARCHIVED' })] }]);
    expect(lofotenAdmin[0].relationships[0].documents.length).toBeGreaterThan(0);
    // ... and downloads it, and is told it is there (ARCHIVE_GENERATED).
    const own = lofotenAdmin[0].relationships[0].documents.find((d: any) => d.kind === 'SAFT_FINANCIAL');
    const ownFile = await fetch(new URL(own.downloadPath, first.url), { headers: { authorization: `Bearer ${await tokens.issue('u-lofoten-1')}` } });
    expect(ownFile.status).toBe(200);
    expect(await ownFile.text()).toContain('<AuditFile');
    const told = (await gql(first, '{ viewer { notifications { kind } } }', 'u-lofoten-1')).data.viewer.notifications.map((n: any) => n.kind);
    expect(told).toEqual(expect.arrayContaining(['RELATIONSHIP_ENDED', 'ARCHIVE_GENERATED']));
    expect((await gql(first, ADMINISTERED, 'u-fjord-1')).data.viewer.administeredClients[0].relationships.map((r: any) => r.status)).toContain('ENDED');
    expect((await gql(first, ADMINISTERED, 'u-voss-1')).data.viewer.administeredClients).toEqual([{ name: 'Voss Eventyr AS', partnerCode: null, relationships: [] }]);

    // Three days on: the same database, the clock moved by CLOCK_OFFSET. The start-up sweep finds the pending ending due.
    expect(await first.product.stop()).toBe(0);
    const later = await start({ CLOCK_OFFSET: '+3d' });
    let fjord: any;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      fjord = (await gql(later, ARCHIVE)).data.archive.nodes.find((r: any) => r.client.name === 'Fjord Bakeri AS');
      if (fjord.status === 'ARCHIVED') break;
    }
    expect(fjord.status).toBe('ARCHIVED');
    expect(fjord.documents.map((d: any) => d.kind)).toContain('SAFT_FINANCIAL');
  }, 300_000);

  it("the README's \"Trying it\" says which demo user shows which view", () => {
    const readme = readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
    const tryingIt = readme.slice(readme.indexOf('## Trying it'), readme.indexOf('\n## ', readme.indexOf('## Trying it') + 5));
    expect(DEMO_USERS.filter((user) => !tryingIt.includes(`\`${user}\``))).toEqual([]);
    expect(tryingIt).toContain('CLOCK_OFFSET=+3d');
  });
});
