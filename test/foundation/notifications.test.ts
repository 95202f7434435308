import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';

const NOTIFICATIONS = '{ viewer { notifications(first: 100) { kind message client { name } } } }';

describe('viewer.notifications (DESIGN S6, A2)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld() });
  });
  afterAll(() => app.close());

  async function notify(count: number): Promise<void> {
    await app.sql('DELETE FROM notifications');
    for (let i = 0; i < count; i++) {
      const clientId = ['c-fjord', 'c-tinde', 'c-solo'][i % 3];
      await app.sql("INSERT INTO notifications (user_id, kind, message, client_id, created_at) VALUES ('u-ola', 'ADMINISTRATOR_GRANTED', ?, ?, ?)", [
        `notice ${i}`,
        clientId,
        new Date(Date.UTC(2026, 10, 1, 0, 0, i)),
      ]);
    }
  }

  it('names the client only where the viewer may see it, newest first', async () => {
    await notify(3);
    const notifications = dataOf(await app.gql(NOTIFICATIONS, {}, 'u-ola')).viewer.notifications;
    // u-ola administers Fjord Bakeri; Tindefjell and Solo are not theirs to see.
    expect(notifications).toEqual([
      { kind: 'ADMINISTRATOR_GRANTED', message: 'notice 2', client: null },
      { kind: 'ADMINISTRATOR_GRANTED', message: 'notice 1', client: null },
      { kind: 'ADMINISTRATOR_GRANTED', message: 'notice 0', client: { name: 'Fjord Bakeri AS' } },
    ]);
  });

  it('costs the same number of SQL statements for 3 or 30 notifications', async () => {
    const statementsFor = async (count: number) => {
      await notify(count);
      app.statements.reset();
      expect(dataOf(await app.gql(NOTIFICATIONS, {}, 'u-ola')).viewer.notifications).toHaveLength(count);
      return app.statements.count;
    };
    expect(await statementsFor(30)).toBe(await statementsFor(3));
  });
});
