import { createHash } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { MandatoryDataGenerator } from '../../src/archive/mandatory-data';
import { addDays, osloMidnight, osloToday } from '../../src/common/clock';
import { deleteQueueKeys, endRelationship, eventually, EVENING_BEFORE, JobsApp, recordingGenerator, startJobsApp } from '../jobs/support';
import { CANCEL, END, fjordEnding, UPDATE } from '../relationships/relationship-helpers';
import { toGlobalId } from '../../src/common/global-id';
import { overwriteStored } from '../support/archive-files';
import { dataOf } from '../support/test-app';
import { CREATE_ENDPOINT, createKey, integrationsWorld, partnerId, withKey } from './integration-helpers';

/** What the receiver got: verified with the standardwebhooks package, not with the product's code. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const received: Received[] = [];
/** Status codes to answer next, per path; 200 when none is left. */
const answers = new Map<string, number[]>();
let receiver: Server;
let base: string;
let app: JobsApp;

let failHavbris = false;
const FAST_WEBHOOKS = { firstRetryMs: 50, maxRetryMs: 200, retryForMs: 26 * 3600_000, disableAfterMs: 72 * 3600_000, timeoutMs: 2000 };

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const next = answers.get(req.url ?? '')?.shift() ?? 200;
      res.writeHead(next).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  app = await startJobsApp({
    data: integrationsWorld(),
    now: '2026-11-28T12:00:00Z',
    env: { WEBHOOK_ALLOW_PRIVATE: 'true' },
    // The recording generator, failing for Havbris Sjømat (c-hav) when asked to.
    createMandatoryDataGenerator: ({ dataSource, clock }): MandatoryDataGenerator => {
      const recording = recordingGenerator({ sql: (query, params) => dataSource.query(query, params), clock });
      return {
        async generate(relationshipId) {
          const [row] = await dataSource.query('SELECT client_id AS clientId FROM customer_relationships WHERE id = ?', [relationshipId]);
          if (failHavbris && row?.clientId === 'c-hav') throw new Error('the books could not be read');
          return recording.generate(relationshipId);
        },
      };
    },
  });
});

afterAll(async () => {
  await app.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function endpoint(path: string, events: string[]): Promise<{ id: string; secret: string }> {
  const res = dataOf(await app.gql(CREATE_ENDPOINT, { input: { partnerId: partnerId('p-nordlys'), url: `${base}${path}`, events } }, 'u-kari')).createWebhookEndpoint;
  expect(res.userErrors).toEqual([]);
  return { id: res.endpoint.id, secret: res.signingSecret };
}

/** The events received at the path, each verified with the endpoint's secret (throws on a bad signature). */
function verifiedAt(path: string, secret: string): Array<{ id: string; type: string; data: Record<string, unknown>; timestamp: string }> {
  return received
    .filter((r) => r.path === path)
    .map((r) => {
      const payload = new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown>; timestamp: string };
      return { id: String(r.headers['webhook-id']), ...payload };
    });
}

const EXPORT = `mutation($input: CreateArchiveExportInput!) { createArchiveExport(input: $input) { export { id state } userErrors { field code message } } }`;

const DELIVERIES = `query Deliveries($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 10) { edges { node { event state attempts lastStatusCode deliveredAt } } } } } }`;

it('nothing is lost when Redis is: an event committed, Redis wiped before delivery, is delivered once when a worker starts', async () => {
  const all = await endpoint('/wipe', ['RELATIONSHIP_ENDED']);
  const { secret } = await createKey(app, 'u-kari', 'p-nordlys', ['RELATIONSHIPS_WRITE']);
  expect(dataOf(await app.gql(END, { input: fjordEnding() }, withKey(secret))).endCustomerRelationship.userErrors).toEqual([]);
  expect(await deleteQueueKeys(app)).toBeGreaterThan(0);
  await app.start({ webhookPolicy: FAST_WEBHOOKS });
  const events = await eventually(async () => verifiedAt('/wipe', all.secret).length === 1 && verifiedAt('/wipe', all.secret), 'the ending delivered after the sweep');
  expect(events[0]).toMatchObject({ type: 'RELATIONSHIP_ENDED', timestamp: '2026-11-28T12:00:00.000Z', data: { organizationNumber: '987654321', status: 'ENDED', generationDate: '2027-01-15' } });
  await eventually(async () => (await app.sql("SELECT state FROM webhook_deliveries WHERE state = 'DELIVERED'")).length === 1, 'recorded delivered');
  await app.workers[0].sweepNow();
  await new Promise((r) => setTimeout(r, 200));
  expect(verifiedAt('/wipe', all.secret)).toHaveLength(1);
});

it('each event is POSTed signed (Standard Webhooks) once per endpoint that asked for it: ended, updated, cancelled', async () => {
  received.length = 0;
  await app.sql("UPDATE webhook_endpoints SET deleted_at = '2026-11-28 12:00:00'");
  const everything = await endpoint('/all', ['RELATIONSHIP_ENDED', 'RELATIONSHIP_UPDATED', 'RELATIONSHIP_CANCELLED']);
  const endedOnly = await endpoint('/ended', ['RELATIONSHIP_ENDED']);
  const { secret } = await createKey(app, 'u-kari', 'p-nordlys', ['RELATIONSHIPS_WRITE']);
  const ended = dataOf(await app.gql(END, { input: { ...fjordEnding(), clientId: fjordEnding().clientId.replace(/.*/, await tindeId()) } }, withKey(secret))).endCustomerRelationship;
  expect(ended.userErrors).toEqual([]);
  const relationshipId = ended.relationship.id;
  expect(dataOf(await app.gql(UPDATE, { input: { relationshipId, generationDate: '2027-02-01' } }, 'u-kari')).updateEndedRelationship.userErrors).toEqual([]);
  expect(dataOf(await app.gql(CANCEL, { input: { relationshipId } }, 'u-kari')).cancelRelationshipEnd.userErrors).toEqual([]);

  const all = await eventually(async () => verifiedAt('/all', everything.secret).length >= 3 && verifiedAt('/all', everything.secret), 'three events at /all');
  await new Promise((r) => setTimeout(r, 300));
  expect(verifiedAt('/all', everything.secret).map((e) => e.type).sort()).toEqual(['RELATIONSHIP_CANCELLED', 'RELATIONSHIP_ENDED', 'RELATIONSHIP_UPDATED']);
  expect(new Set(all.map((e) => e.id)).size).toBe(3);
  const endedEvents = verifiedAt('/ended', endedOnly.secret);
  expect(endedEvents.map((e) => e.type)).toEqual(['RELATIONSHIP_ENDED']);
  expect(endedEvents[0].data).toMatchObject({ relationshipId, organizationNumber: '911222333', clientName: 'Tindefjell Bygg AS', status: 'ENDED' });
  expect(all.find((e) => e.type === 'RELATIONSHIP_CANCELLED')!.data).toMatchObject({ relationshipId, status: 'CANCELLED' });
  // A signature made with another secret does not verify.
  expect(() => verifiedAt('/ended', everything.secret)).toThrow();
});

async function tindeId(): Promise<string> {
  const nodes = dataOf(await app.gql('{ clients(first: 10) { nodes { id name } } }', {}, 'u-kari')).clients.nodes;
  return nodes.find((c: { name: string }) => c.name === 'Tindefjell Bygg AS').id;
}

it('a receiver that answers 500 twice then 200 gets three tries with the same webhook-id; the delivery log shows it', async () => {
  received.length = 0;
  await app.sql("UPDATE webhook_endpoints SET deleted_at = '2026-11-28 12:00:00'");
  const flaky = await endpoint('/flaky', ['RELATIONSHIP_ENDED']);
  answers.set('/flaky', [500, 500]);
  await app.sql("UPDATE clients SET partner_id = 'p-nordlys', partner_since = '2020-01-01' WHERE id = 'c-solo'");
  await app.sql("INSERT INTO customer_relationships (client_id, partner_id, status, partner_period_start) VALUES ('c-solo', 'p-nordlys', 'ACTIVE', '2020-01-01')");
  const solo = dataOf(await app.gql('{ clients(first: 10) { nodes { id name } } }', {}, 'u-kari')).clients.nodes.find((c: { name: string }) => c.name === 'Solo Snekkeri AS').id;
  expect(dataOf(await app.gql(END, { input: { ...fjordEnding(), clientId: solo, responsibilityFrom: '2020-01' } }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);

  await eventually(async () => received.filter((r) => r.path === '/flaky').length === 3, 'three tries');
  const tries = received.filter((r) => r.path === '/flaky');
  expect(new Set(tries.map((t) => t.headers['webhook-id'])).size).toBe(1);
  expect(verifiedAt('/flaky', flaky.secret)).toHaveLength(3);
  const log = await eventually(async () => {
    const edges = dataOf(await app.gql(DELIVERIES, { id: flaky.id }, 'u-kari')).node.deliveries.edges;
    return edges[0]?.node.state === 'DELIVERED' && edges;
  }, 'delivered in the log');
  expect(log).toEqual([{ node: { event: 'RELATIONSHIP_ENDED', state: 'DELIVERED', attempts: 3, lastStatusCode: 200, deliveredAt: expect.any(String) } }]);
});

it('ARCHIVE_GENERATED when the archive is generated; an endpoint failing for three days is disabled and INTEGRATIONS members are told', async () => {
  received.length = 0;
  await app.sql("UPDATE webhook_endpoints SET deleted_at = '2026-11-28 12:00:00'");
  const archive = await endpoint('/archive', ['ARCHIVE_GENERATED']);
  const down = await endpoint('/down', ['ARCHIVE_GENERATED']);
  answers.set('/down', Array(1000).fill(503));
  app.clock.set(EVENING_BEFORE);
  // Tindefjell's ending was cancelled above: it is ended again, its tasks due at the next midnight.
  const ending = await endRelationship(app, 'c-tinde', '2026-11-28');
  app.clock.set(ending.tasks[0].dueAt.toISOString());
  await app.workers[0].sweepNow();
  const events = await eventually(async () => verifiedAt('/archive', archive.secret).length === 1 && verifiedAt('/archive', archive.secret), 'ARCHIVE_GENERATED');
  expect(events[0]).toMatchObject({ type: 'ARCHIVE_GENERATED', data: { relationshipId: expect.any(String), organizationNumber: '911222333' } });

  await eventually(async () => received.filter((r) => r.path === '/down').length >= 2, 'the failing endpoint tried');
  app.clock.set(new Date(ending.tasks[0].dueAt.getTime() + 73 * 3600_000).toISOString());
  await eventually(async () => (await app.sql('SELECT disabled_at FROM webhook_endpoints WHERE url LIKE ? AND disabled_at IS NOT NULL', ['%/down'])).length === 1, 'disabled');
  const notified = await app.sql("SELECT user_id FROM notifications WHERE kind = 'WEBHOOK_ENDPOINT_DISABLED'");
  expect(notified).toEqual([{ user_id: 'u-kari' }]);
  const [row] = await app.sql("SELECT d.state FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE e.url LIKE '%/down'");
  expect(row.state).toBe('FAILED');
  const shown = dataOf(await app.gql(`{ node(id: "${down.id}") { ... on WebhookEndpoint { disabledAt } } }`, {}, 'u-kari')).node;
  expect(shown.disabledAt).not.toBeNull();
});

it('ARCHIVE_EXPORT_READY when an export holding the partner\'s folders can be downloaded, with its id and download path', async () => {
  received.length = 0;
  const exports = await endpoint('/exports', ['ARCHIVE_EXPORT_READY']);
  // Tindefjell was archived above by the recording generator, which records a one-byte file (with a placeholder hash)
  // it does not write: the byte goes into storage here, and its SHA-256 into the row, so the package can be made.
  const [document] = await app.sql("SELECT d.storage_key AS storageKey, d.relationship_id AS relationshipId FROM archive_documents d JOIN customer_relationships r ON r.id = d.relationship_id WHERE r.client_id = 'c-tinde' AND r.status = 'ARCHIVED'");
  await overwriteStored(app, document.storageKey, Buffer.from('x'));
  await app.sql('UPDATE archive_documents SET sha256 = ? WHERE storage_key = ?', [createHash('sha256').update('x').digest('hex'), document.storageKey]);
  const relationshipId = toGlobalId('CustomerRelationship', String(document.relationshipId));
  const created = dataOf(await app.gql(EXPORT, { input: { relationshipIds: [relationshipId] } }, 'u-kari')).createArchiveExport;
  expect(created.userErrors).toEqual([]);
  const events = await eventually(async () => verifiedAt('/exports', exports.secret).length === 1 && verifiedAt('/exports', exports.secret), 'ARCHIVE_EXPORT_READY');
  expect(events[0]).toMatchObject({
    type: 'ARCHIVE_EXPORT_READY',
    data: { exportId: created.export.id, relationshipIds: [relationshipId], downloadPath: `/archive/exports/${created.export.id}`, expiresAt: expect.any(String) },
  });
  const shown = dataOf(await app.gql(`query E($id: ID!) { node(id: $id) { ... on ArchiveExport { state downloadPath } } }`, { id: created.export.id }, 'u-kari')).node;
  expect(shown).toEqual({ state: 'READY', downloadPath: events[0].data.downloadPath });
});

it('ARCHIVE_GENERATION_FAILED when the generation fails on its last try, to the endpoints of that partner only', async () => {
  received.length = 0;
  const fjell = dataOf(await app.gql(CREATE_ENDPOINT, { input: { partnerId: partnerId('p-fjell'), url: `${base}/fjell`, events: ['ARCHIVE_GENERATION_FAILED', 'ARCHIVE_GENERATED'] } }, 'u-lars')).createWebhookEndpoint;
  expect(fjell.userErrors).toEqual([]);
  failHavbris = true;
  // A second before the next midnight in Oslo, as EVENING_BEFORE: the ending's tasks are due a second later.
  const tomorrow = addDays(osloToday(app.clock), 1);
  app.clock.set(new Date(osloMidnight(tomorrow).getTime() - 1000).toISOString());
  const ending = await endRelationship(app, 'c-hav', tomorrow);
  app.clock.set(ending.tasks[0].dueAt.toISOString());
  await app.workers[0].sweepNow();
  const events = await eventually(async () => verifiedAt('/fjell', fjell.signingSecret).length === 1 && verifiedAt('/fjell', fjell.signingSecret), 'ARCHIVE_GENERATION_FAILED');
  expect(events[0]).toMatchObject({ type: 'ARCHIVE_GENERATION_FAILED', data: { organizationNumber: '922333444', status: 'ENDED' } });
  const [task] = await app.sql("SELECT state, attempts FROM scheduled_tasks WHERE relationship_id = ? AND kind = 'GENERATE_MANDATORY_DATA'", [ending.relationshipId]);
  expect(task).toEqual({ state: 'FAILED', attempts: 3 });
  expect(received.filter((r) => r.path !== '/fjell' && r.path !== '/down')).toEqual([]);
  failHavbris = false;
});
