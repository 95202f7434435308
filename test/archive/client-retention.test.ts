import { applyRetention } from '../../src/archive/retention';
import { parseImportFile } from '../../src/import/import-file';
import { runTask } from '../../src/tasks/task-runner';
import { retentionDeps, taskRunnerDeps } from '../support/deps';
import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { recordingGenerator } from '../jobs/recording-generator';
import { clientId, END, fjordEnding, latestRelationshipOf, relationshipId, resetWorld, snapshot } from '../relationships/relationship-helpers';

const RETENTION = `mutation R($input: UpdateClientRetentionInput!) {
  updateClientRetention(input: $input) { client { name retentionYears legalHold } userErrors { field code message } }
}`;
const DOCUMENTS = `query D($id: ID!) { node(id: $id) { ... on CustomerRelationship { documents { fiscalYear deleteAfter } client { retentionYears legalHold } } } }`;

describe("retention fits the client: retention years and a legal hold (DESIGN S5)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  beforeEach(() => resetWorld(app, smallWorld()));
  afterAll(() => app.close());

  const retention = async (as: string, input: Record<string, unknown>, client = 'c-fjord') =>
    dataOf(await app.gql(RETENTION, { input: { clientId: clientId(client), ...input } }, as)).updateClientRetention;

  /** Ends Fjord, runs its tasks on the generation date: one document of fiscal year 2026 in the archive. */
  async function archivedFjord(): Promise<string> {
    dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari'));
    const rel = await latestRelationshipOf(app, 'c-fjord');
    app.clock.set('2027-01-14T23:00:00Z');
    const tasks = await app.sql('SELECT id FROM scheduled_tasks WHERE relationship_id = ?', [rel]);
    for (const task of tasks) await runTask(taskRunnerDeps(app), String(task.id), { maxAttempts: 3, generator: recordingGenerator(app) });
    return rel;
  }

  it("S5: the client's own administrator and CLIENT_ADMIN of its partner set the retention and the hold, audited; fewer than 5 years is INVALID_RETENTION", async () => {
    expect(await retention('u-ola', { retentionYears: 10 })).toEqual({ client: { name: 'Fjord Bakeri AS', retentionYears: 10, legalHold: false }, userErrors: [] });
    expect(await retention('u-kari', { legalHold: true })).toEqual({ client: { name: 'Fjord Bakeri AS', retentionYears: 10, legalHold: true }, userErrors: [] });
    const audit = await app.sql("SELECT actor_user_id, `before`, `after` FROM audit_events WHERE action = 'CLIENT_RETENTION_UPDATED' ORDER BY id");
    expect(audit.map((a: any) => [a.actor_user_id, typeof a.after === 'string' ? JSON.parse(a.after) : a.after])).toEqual([
      ['u-ola', { retentionYears: 10, legalHold: false }],
      ['u-kari', { retentionYears: 10, legalHold: true }],
    ]);

    const before = await snapshot(app);
    const [{ n: events }] = await app.sql('SELECT COUNT(*) AS n FROM audit_events');
    expect((await retention('u-ola', { retentionYears: 4 })).userErrors).toEqual([
      { field: ['input', 'retentionYears'], code: 'INVALID_RETENTION', message: 'The archive is kept 5 to 100 years after each fiscal year (got 4).' },
    ]);
    expect((await retention('u-per', { legalHold: false })).userErrors.map((e: any) => e.code)).toEqual(['FORBIDDEN']);
    expect((await retention('u-lars', { legalHold: false })).userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    expect((await retention('u-eva', { legalHold: false })).userErrors.map((e: any) => e.code)).toEqual(['NOT_FOUND']);
    expect(await snapshot(app)).toEqual(before);
    expect(await app.sql("SELECT retention_years, legal_hold FROM clients WHERE id = 'c-fjord'")).toEqual([{ retention_years: 10, legal_hold: 1 }]);
    expect((await app.sql('SELECT COUNT(*) AS n FROM audit_events'))[0].n).toBe(events);
  });

  it('S5: after the ending, the client keeps the say over its archive; the departed partner has none', async () => {
    await archivedFjord();
    expect((await retention('u-kari', { legalHold: true })).userErrors.map((e: any) => e.code)).toEqual(['FORBIDDEN']);
    expect((await retention('u-ola', { legalHold: true })).userErrors).toEqual([]);
  });

  it("S5: deleteAfter is the first 1 January after the client's retention, null under legal hold; the yearly job keeps both — a hold set after a folder was due keeps it", async () => {
    const rel = await archivedFjord();
    const documents = async (as = 'u-ola') => dataOf(await app.gql(DOCUMENTS, { id: relationshipId(rel) }, as)).node;
    expect(await documents()).toEqual({ documents: [{ fiscalYear: 2026, deleteAfter: '2032-01-01' }], client: { retentionYears: 5, legalHold: false } });
    // The former partner's ARCHIVE user sees the same day.
    expect((await documents('u-kari')).documents).toEqual([{ fiscalYear: 2026, deleteAfter: '2032-01-01' }]);

    await retention('u-ola', { retentionYears: 7 });
    expect((await documents()).documents).toEqual([{ fiscalYear: 2026, deleteAfter: '2034-01-01' }]);
    expect(await applyRetention(retentionDeps(app), '2032-01-01')).toEqual({ deleted: 0 });

    // Due on 1 January 2034; the hold comes later, and still keeps it.
    await retention('u-ola', { legalHold: true });
    expect((await documents()).documents).toEqual([{ fiscalYear: 2026, deleteAfter: null }]);
    expect(await applyRetention(retentionDeps(app), '2034-06-01')).toEqual({ deleted: 0 });
    await retention('u-ola', { legalHold: false });
    expect(await applyRetention(retentionDeps(app), '2034-06-01')).toEqual({ deleted: 1 });
    expect((await documents()).documents).toEqual([]);
  });

  it('S5: the import file sets retentionYears and legalHold; a re-import without them keeps what the API set; a bad value refuses the file', async () => {
    const world = smallWorld();
    (world.clients[0] as Record<string, unknown>).retentionYears = 12;
    (world.clients[1] as Record<string, unknown>).legalHold = true;
    await app.load(world);
    expect(await app.sql("SELECT id, retention_years, legal_hold FROM clients WHERE id IN ('c-fjord', 'c-tinde') ORDER BY id")).toEqual([
      { id: 'c-fjord', retention_years: 12, legal_hold: 0 },
      { id: 'c-tinde', retention_years: 5, legal_hold: 1 },
    ]);
    await retention('u-ola', { retentionYears: 20 });
    await app.load(smallWorld());
    expect(await app.sql("SELECT retention_years, legal_hold FROM clients WHERE id = 'c-fjord'")).toEqual([{ retention_years: 20, legal_hold: 0 }]);

    const bad = smallWorld();
    (bad.clients[0] as Record<string, unknown>).retentionYears = 3;
    (bad.clients[1] as Record<string, unknown>).legalHold = 'yes';
    expect(() => parseImportFile(bad)).toThrow(/clients\[0\]\.retentionYears: must be a number of years from 5 to 100[\s\S]*clients\[1\]\.legalHold: must be true or false/);
  });
});
