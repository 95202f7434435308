import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { clientId, END } from './relationship-helpers';

/** S1: tasks are due at 00:00 Europe/Oslo on the generation date, whatever the offset that day. */
describe('due instants across daylight-saving changes (DESIGN S1, S7)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: smallWorld(), now: '2027-01-10T12:00:00Z' });
  });
  afterAll(() => app.close());

  it.each([
    ['c-fjord', '2027-03-28', '2027-03-27T23:00:00.000Z'], // clocks go forward at 02:00 that night; midnight is still +01:00
    ['c-tinde', '2027-10-31', '2027-10-30T22:00:00.000Z'], // clocks go back at 03:00; midnight is still +02:00
  ])('S1: an ending of %s generated on %s is due at %s', async (client, generationDate, dueAt) => {
    const input = { clientId: clientId(client), responsibilityFrom: '2021-03', responsibilityTo: generationDate.slice(0, 7), generationDate };
    const res = dataOf(await app.gql(END, { input }, 'u-kari')).endCustomerRelationship;
    expect(res.userErrors).toEqual([]);
    expect(res.relationship.tasks.map((t: any) => t.dueAt)).toEqual([dueAt, dueAt]);
    const rows = await app.sql('SELECT due_at FROM scheduled_tasks t JOIN customer_relationships r ON r.id = t.relationship_id WHERE r.client_id = ?', [client]);
    expect(rows.map((r: any) => new Date(r.due_at).toISOString())).toEqual([dueAt, dueAt]);
  });
});
