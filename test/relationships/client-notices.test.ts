import { notifyExpiringArchives } from '../../src/archive/retention-notices';
import { Client } from '../../src/clients/client.entity';
import { runInTransaction } from '../../src/db/unit-of-work';
import { CustomerRelationship } from '../../src/relationships/customer-relationship.entity';
import { toGlobalId } from '../../src/common/global-id';
import { DomainError } from '../../src/common/domain-errors';
import { runTask } from '../../src/tasks/task-runner';
import { taskRunnerDeps } from '../support/deps';
import { smallWorld } from '../support/fixtures';
import { dataOf, errorCode, startTestApp, TestApp } from '../support/test-app';
import { recordingGenerator } from '../jobs/recording-generator';
import { CANCEL, clientId, END, fjordEnding, latestRelationshipOf, relationshipId, resetWorld, UPDATE } from './relationship-helpers';

const NOTIFICATIONS = `query N($first: Int, $after: String, $unreadOnly: Boolean) {
  viewer { notifications(first: $first, after: $after, unreadOnly: $unreadOnly) { id kind message readAt client { name } } }
}`;
const MARK = `mutation Mark($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { notifications { id readAt } markedCount userErrors { field code message } }
}`;

/** The notices of a kind, as (user, message) pairs by user. */
async function notices(app: TestApp, kind: string): Promise<Array<{ user_id: string; message: string }>> {
  return app.sql('SELECT user_id, message FROM notifications WHERE kind = ? ORDER BY user_id, id', [kind]);
}

describe('everyone hears what happens (DESIGN S11) and the client reads its notices', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  beforeEach(() => resetWorld(app, smallWorld()));
  afterAll(() => app.close());

  it('S11: the client hears of the ending, its change, the generated archive and its expiry — each once', async () => {
    expect(dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);
    const rel = await latestRelationshipOf(app, 'c-fjord');

    // The client's subscription administrator (here the departing Kari) and its own administrator Ola; not Eva (no role).
    const ended = await notices(app, 'RELATIONSHIP_ENDED');
    expect(ended.map((n) => n.user_id)).toEqual(['u-kari', 'u-ola']);
    for (const part of ['Nordlys Regnskap AS', 'ended by Kari Nordmann', '2021-03–2026-11', 'On 2027-01-15', 'Per Hansen', 'Ingrid Berg', 'subscription administrator (Kari Nordmann)']) {
      expect(ended[1].message).toContain(part);
    }

    dataOf(await app.gql(UPDATE, { input: { relationshipId: relationshipId(rel), generationDate: '2027-02-01' } }, 'u-kari'));
    const changed = await notices(app, 'RELATIONSHIP_ENDING_CHANGED');
    expect(changed.map((n) => n.user_id)).toEqual(['u-kari', 'u-ola']);
    expect(changed[1].message).toContain('generation date 2027-02-01');

    // The generation date: both tasks run; the archive is in, and the client and the partner's ARCHIVE users hear it.
    app.clock.set('2027-01-31T23:00:00Z');
    const generator = recordingGenerator(app);
    const tasks = await app.sql('SELECT id FROM scheduled_tasks WHERE relationship_id = ? ORDER BY id', [rel]);
    for (const task of tasks) expect((await runTask(taskRunnerDeps(app), String(task.id), { maxAttempts: 3, generator })).outcome).toBe('succeeded');
    const generated = await notices(app, 'ARCHIVE_GENERATED');
    expect(generated.map((n) => n.user_id)).toEqual(['u-kari', 'u-ola']);
    expect(generated[1].message).toContain('1 document(s): 2026/saft.xml');
    // Told once, however often the notice is tried (a task run twice, a replayed job).
    const { runtime } = app.opened;
    const client = await runtime.dataSource.getRepository(Client).findOneByOrFail({ id: 'c-fjord' });
    const relationship = await runtime.dataSource.getRepository(CustomerRelationship).findOneByOrFail({ id: rel });
    await runInTransaction(runtime.dataSource, (uow) => runtime.services.notices.archiveGenerated(uow, client, relationship, '2027-02-01'));
    expect(await notices(app, 'ARCHIVE_GENERATED')).toHaveLength(2);

    // Retention would delete the 2026 folder on 1 January 2032 (5 years): 90 days before, the client is told, once.
    const deps = { dataSource: runtime.dataSource, notices: runtime.services.notices, logger: runtime.logger };
    expect(await notifyExpiringArchives(deps, '2031-10-02', 90)).toEqual({ notified: 0 });
    expect(await notifyExpiringArchives(deps, '2031-10-03', 90)).toEqual({ notified: 2 });
    expect(await notifyExpiringArchives(deps, '2031-10-04', 90)).toEqual({ notified: 0 });
    const expiring = await notices(app, 'ARCHIVE_EXPIRING');
    expect(expiring.map((n) => n.user_id)).toEqual(['u-kari', 'u-ola']);
    expect(expiring[1].message).toContain('fiscal year 2026');
    expect(expiring[1].message).toContain('on 2032-01-01');
    // A client on legal hold is not told: nothing will be deleted. A longer retention moves the day, and the notice.
    await app.sql("UPDATE clients SET legal_hold = 1 WHERE id = 'c-fjord'");
    await app.sql('DELETE FROM notifications WHERE kind = ?', ['ARCHIVE_EXPIRING']);
    expect(await notifyExpiringArchives(deps, '2031-10-03', 90)).toEqual({ notified: 0 });
    await app.sql("UPDATE clients SET legal_hold = 0, retention_years = 7 WHERE id = 'c-fjord'");
    expect(await notifyExpiringArchives(deps, '2031-10-03', 90)).toEqual({ notified: 0 });
    expect(await notifyExpiringArchives(deps, '2033-10-03', 90)).toEqual({ notified: 2 });

    // Every notice is also an e-mail row to send (S6), none sent twice: one row per user and event.
    const [{ n }] = await app.sql('SELECT COUNT(*) AS n FROM (SELECT user_id, dedupe_key FROM notifications WHERE dedupe_key IS NOT NULL GROUP BY user_id, dedupe_key HAVING COUNT(*) > 1) d');
    expect(Number(n)).toBe(0);
  });

  it('S11: a cancelled ending is reported to the client; the partner that cancels is not told of its own change', async () => {
    dataOf(await app.gql(END, { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' } }, 'u-kari'));
    const rel = await latestRelationshipOf(app, 'c-tinde');
    expect((await notices(app, 'RELATIONSHIP_ENDED')).map((n) => n.user_id)).toEqual(['u-sjur']);
    expect(dataOf(await app.gql(CANCEL, { input: { relationshipId: relationshipId(rel) } }, 'u-kari')).cancelRelationshipEnd.userErrors).toEqual([]);
    const changed = await notices(app, 'RELATIONSHIP_ENDING_CHANGED');
    expect(changed.map((n) => n.user_id)).toEqual(['u-sjur']);
    expect(changed[0].message).toContain('has cancelled the ending');
  });

  it('S11: when generation fails its last try, the partner\'s ARCHIVE users are told the error and the tasks retry hint', async () => {
    dataOf(await app.gql(END, { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' } }, 'u-kari'));
    const rel = await latestRelationshipOf(app, 'c-tinde');
    app.clock.set('2027-01-15T00:00:00Z');
    const [task] = await app.sql("SELECT id FROM scheduled_tasks WHERE relationship_id = ? AND kind = 'GENERATE_MANDATORY_DATA'", [rel]);
    const failing = { generate: async () => Promise.reject(new DomainError("the client's books do not cover the responsibility period")) };
    await expect(runTask(taskRunnerDeps(app), String(task.id), { maxAttempts: 2, generator: failing })).rejects.toThrow();
    expect(await notices(app, 'ARCHIVE_GENERATION_FAILED')).toEqual([]); // a try is left
    await expect(runTask(taskRunnerDeps(app), String(task.id), { maxAttempts: 2, generator: failing })).rejects.toThrow();
    const failed = await notices(app, 'ARCHIVE_GENERATION_FAILED');
    // Nordlys's ARCHIVE users: Kari only (Per and Ingrid lack the right); the client itself is not bothered with it.
    expect(failed.map((n) => n.user_id)).toEqual(['u-kari']);
    expect(failed[0].message).toContain("the client's books do not cover the responsibility period");
    expect(failed[0].message).toContain(`npm run cli -- tasks retry ${task.id}`);
  });

  it('S6: the viewer pages through notifications and marks them read — by id or all; another user\'s id is NOT_FOUND and nothing changes', async () => {
    dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari'));
    dataOf(await app.gql(END, { input: { ...fjordEnding(), clientId: clientId('c-tinde'), responsibilityFrom: '2019-01' } }, 'u-kari'));
    // Ola hears of Fjord's ending only (Sjur of Tindefjell's); a notice of another kind gives him a second one.
    await app.sql("INSERT INTO notifications (user_id, kind, message, client_id, created_at) VALUES ('u-ola', 'ADMINISTRATOR_GRANTED', 'You are now an administrator of Tindefjell Bygg AS.', 'c-tinde', '2026-11-28 12:00:01')");
    const all = dataOf(await app.gql(NOTIFICATIONS, {}, 'u-ola')).viewer.notifications;
    expect(all.map((n: any) => n.kind)).toEqual(['ADMINISTRATOR_GRANTED', 'RELATIONSHIP_ENDED']);
    expect(all[1].client).toEqual({ name: 'Fjord Bakeri AS' });
    const first = dataOf(await app.gql(NOTIFICATIONS, { first: 1 }, 'u-ola')).viewer.notifications;
    const second = dataOf(await app.gql(NOTIFICATIONS, { first: 1, after: first[0].id }, 'u-ola')).viewer.notifications;
    expect([...first, ...second].map((n: any) => n.id)).toEqual(all.map((n: any) => n.id));
    expect(dataOf(await app.gql(NOTIFICATIONS, { first: 1, after: second[0].id }, 'u-ola')).viewer.notifications).toEqual([]);
    expect(errorCode(await app.gql(NOTIFICATIONS, { after: 'garbage' }, 'u-ola'))).toBe('BAD_USER_INPUT');

    const [sjurs] = await app.sql("SELECT id FROM notifications WHERE user_id = 'u-sjur'");
    const refused = dataOf(await app.gql(MARK, { input: { ids: [all[1].id, toGlobalId('Notification', String(sjurs.id))] } }, 'u-ola')).markNotificationsRead;
    expect(refused).toEqual({ notifications: [], markedCount: 0, userErrors: [{ field: ['input', 'ids', '1'], code: 'NOT_FOUND', message: 'No such notification.' }] });
    expect(await app.sql("SELECT id FROM notifications WHERE read_at IS NOT NULL")).toEqual([]);

    const marked = dataOf(await app.gql(MARK, { input: { ids: [all[1].id] } }, 'u-ola')).markNotificationsRead;
    expect(marked).toMatchObject({ markedCount: 1, userErrors: [], notifications: [{ id: all[1].id, readAt: '2026-11-28T12:00:00.000Z' }] });
    expect(dataOf(await app.gql(NOTIFICATIONS, { unreadOnly: true }, 'u-ola')).viewer.notifications.map((n: any) => n.kind)).toEqual(['ADMINISTRATOR_GRANTED']);
    expect(dataOf(await app.gql(MARK, { input: { all: true } }, 'u-ola')).markNotificationsRead).toEqual({ notifications: [], markedCount: 1, userErrors: [] });
    expect(dataOf(await app.gql(NOTIFICATIONS, { unreadOnly: true }, 'u-ola')).viewer.notifications).toEqual([]);
    // Sjur's notices are his own: still unread.
    expect(await app.sql("SELECT id FROM notifications WHERE user_id = 'u-sjur' AND read_at IS NULL")).toHaveLength(1);
  });
});
