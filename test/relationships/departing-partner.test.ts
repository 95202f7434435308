import { TaskKind } from '../../src/tasks/scheduled-task.entity';
import { runTask } from '../../src/tasks/task-runner';
import { recordingGenerator } from '../jobs/recording-generator';
import { smallWorld } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { taskRunnerDeps } from '../support/deps';
import { CANCEL, CLEAR, clientId, END, fjordEnding, latestRelationshipOf, LINK, relationshipId, resetWorld, snapshot, TRANSFER, UPDATE, userId } from './relationship-helpers';

const CLIENT_USERS = `query Users($id: ID!) { node(id: $id) { ... on Client { partnerCode subscriptionAdmin { name } users { user { name } active deactivationDate } } } }`;

/**
 * The partner whose ending set the deactivation dates can neither keep its users' access nor give it back to them,
 * and once the client has moved to another partner it can no longer change the ending (DESIGN E6, E7, E8, E12, E14,
 * S4, A5). Kari (CLIENT_ADMIN and ARCHIVE in Nordlys, ADMINISTRATOR on Fjord Bakeri through Nordlys) ends the
 * relationship and hands the subscription-administrator role to Ola, the client's own administrator.
 */
describe('the departing partner cannot keep or regain access', () => {
  let app: TestApp;
  let ending: string; // local id of Nordlys' ending
  let rel: string;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await resetWorld(app, smallWorld());
    const ended = dataOf(await app.gql(END, { input: fjordEnding({ newSubscriptionAdminUserId: userId('u-ola') }) }, 'u-kari')).endCustomerRelationship;
    expect(ended.userErrors).toEqual([]);
    ending = await latestRelationshipOf(app, 'c-fjord');
    rel = relationshipId(ending);
  });

  const codes = (payload: any) => payload.userErrors.map((e: any) => e.code);
  const clear = async (who: string, as: string) => dataOf(await app.gql(CLEAR, { input: { clientId: clientId('c-fjord'), userId: userId(who) } }, as)).clearUserDeactivation;
  const transfer = async (to: string, as: string) => dataOf(await app.gql(TRANSFER, { input: { clientId: clientId('c-fjord'), userId: userId(to) } }, as)).transferSubscriptionAdmin;
  const usersOfFjord = async () => dataOf(await app.gql(CLIENT_USERS, { id: clientId('c-fjord') }, 'u-ola')).node;

  /** Runs Nordlys' deactivation task now, as the worker would at the generation date. */
  async function applyDeactivations(): Promise<void> {
    const [task] = await app.sql('SELECT id FROM scheduled_tasks WHERE kind = ? AND relationship_id = ?', [TaskKind.APPLY_DEACTIVATIONS, ending]);
    const result = await runTask(taskRunnerDeps(app), String(task.id), { maxAttempts: 3, generator: recordingGenerator(app) });
    expect(result.outcome).toBe('succeeded');
  }

  describe('clearing a deactivation (E8)', () => {
    it("a partner user whose ending set the date cannot clear her own or a colleague's, and both lose access on the generation date", async () => {
      const before = await snapshot(app);
      expect(codes(await clear('u-kari', 'u-kari'))).toEqual(['FORBIDDEN']);
      expect(codes(await clear('u-per', 'u-kari'))).toEqual(['FORBIDDEN']);
      expect(await snapshot(app)).toEqual(before);

      app.clock.set('2027-01-15T06:00:00Z'); // the generation date, Europe/Oslo
      await applyDeactivations();
      const fjord = await usersOfFjord();
      const byName = Object.fromEntries(fjord.users.map((u: any) => [u.user.name, u]));
      expect(byName['Kari Nordmann']).toEqual({ user: { name: 'Kari Nordmann' }, active: false, deactivationDate: '2027-01-15' });
      expect(byName['Per Hansen']).toEqual({ user: { name: 'Per Hansen' }, active: false, deactivationDate: '2027-01-15' });

      // No longer anyone's administrator, she cannot take the subscription-administrator role either.
      expect(codes(await transfer('u-kari', 'u-kari'))).toEqual(['GENERATION_DATE_PASSED']);
      expect((await usersOfFjord()).subscriptionAdmin).toEqual({ name: 'Ola Bakke' });
    });

    it('a CLIENT_ADMIN of the partner whose ending set the date cannot clear it, even once the client is linked to that partner again', async () => {
      // Per left Nordlys, so linking the client to Nordlys again does not clear his date (E8 clears members only).
      await app.sql("DELETE FROM partner_memberships WHERE user_id = 'u-per'");
      expect(dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'NORDLYS' } }, 'u-ola')).linkClientToPartner.userErrors).toEqual([]);
      const before = await snapshot(app);
      expect(codes(await clear('u-per', 'u-kari'))).toEqual(['FORBIDDEN']);
      expect(await snapshot(app)).toEqual(before);
    });

    it("the client's own administrator can still clear a date the ending set", async () => {
      const res = await clear('u-per', 'u-ola');
      expect(res.userErrors).toEqual([]);
      expect(res.clientUser).toEqual({ user: { name: 'Per Hansen' }, deactivationDate: null, active: true });
    });

    it("a CLIENT_ADMIN of the client's new partner can clear a date the old partner's ending set", async () => {
      expect(dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-ola')).linkClientToPartner.userErrors).toEqual([]);
      const res = await clear('u-per', 'u-lars');
      expect(res.userErrors).toEqual([]);
      expect(res.clientUser).toEqual({ user: { name: 'Per Hansen' }, deactivationDate: null, active: true });
    });
  });

  describe('handing over the subscription-administrator role (E6, S4)', () => {
    it('an administrator through the ending partner cannot move the role', async () => {
      await app.sql("UPDATE client_accesses SET roles = 'ADMINISTRATOR' WHERE client_id = 'c-fjord' AND user_id = 'u-per'");
      const before = await snapshot(app);
      // Per still sees the client until the generation date (A8), but the access the ending dated gives him no say.
      expect(codes(await transfer('u-eva', 'u-per'))).toEqual(['FORBIDDEN']);
      expect(await snapshot(app)).toEqual(before);
    });

    it('a user with ARCHIVE in the ending partner hands the role over from the archive before the generation date', async () => {
      await app.sql("UPDATE partner_memberships SET rights = 'ARCHIVE' WHERE user_id = 'u-per'");
      const res = await transfer('u-eva', 'u-per');
      expect(res.userErrors).toEqual([]);
      // Per sees the client as it was at the ending (A6); the client's own administrator sees the new holder.
      expect(res.client.subscriptionAdmin).toBeNull();
      expect((await usersOfFjord()).subscriptionAdmin).toEqual({ name: 'Eva Lie' });
    });

    it('a partner user kept active only for the role hands it away after the client moved, and loses access at once', async () => {
      // Give the role back to Kari, as if the ending had not moved it.
      await app.sql("UPDATE clients SET subscription_admin_user_id = 'u-kari' WHERE id = 'c-fjord'");
      expect(dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-ola')).linkClientToPartner.userErrors).toEqual([]);
      app.clock.set('2027-01-20T08:00:00Z');
      await applyDeactivations();
      expect((await usersOfFjord()).users.find((u: any) => u.user.name === 'Kari Nordmann').active).toBe(true); // kept for the role (S4)

      const res = await transfer('u-ola', 'u-kari');
      expect(res.userErrors).toEqual([]);
      // Without the role Kari sees nothing of the client's present any more (A6); its own administrator does.
      expect(res.client.subscriptionAdmin).toBeNull();
      const fjord = await usersOfFjord();
      expect(fjord.subscriptionAdmin).toEqual({ name: 'Ola Bakke' });
      expect(fjord.users.find((u: any) => u.user.name === 'Kari Nordmann')).toMatchObject({ active: false, deactivationDate: '2027-01-15' });
    });
  });

  describe('once the client is linked to another partner (E14)', () => {
    beforeEach(async () => {
      expect(dataOf(await app.gql(LINK, { input: { clientId: clientId('c-fjord'), partnerCode: 'FJELL' } }, 'u-ola')).linkClientToPartner.userErrors).toEqual([]);
    });

    async function expectUnchangedAfter(call: () => Promise<any>) {
      const before = await snapshot(app);
      const res = await call();
      expect(res.userErrors).toEqual([expect.objectContaining({ code: 'CLIENT_LINKED_ELSEWHERE' })]);
      expect(await snapshot(app)).toEqual(before);
      const fjord = await usersOfFjord();
      expect(fjord.partnerCode).toBe('FJELL');
      expect(fjord.subscriptionAdmin).toEqual({ name: 'Ola Bakke' });
      expect(fjord.users.filter((u: any) => ['Kari Nordmann', 'Per Hansen'].includes(u.user.name)).map((u: any) => u.deactivationDate)).toEqual(['2027-01-15', '2027-01-15']);
    }

    it("the old partner's cancel is refused, and its users keep their deactivation dates", async () => {
      await expectUnchangedAfter(async () => dataOf(await app.gql(CANCEL, { input: { relationshipId: rel } }, 'u-kari')).cancelRelationshipEnd);
    });

    it("the old partner's update is refused, and the dates stay", async () => {
      await expectUnchangedAfter(async () => dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate: '2027-06-01' } }, 'u-kari')).updateEndedRelationship);
    });

    it('the old partner cannot hand the subscription-administrator role over from the archive', async () => {
      await expectUnchangedAfter(() => transfer('u-eva', 'u-kari'));
    });

    it('the cancel stays refused after the new partner has ended too: it never gives the old partner its access back', async () => {
      const fjellEnded = dataOf(await app.gql(END, { input: fjordEnding({ responsibilityFrom: '2026-11', generationDate: '2027-02-01' }) }, 'u-lars')).endCustomerRelationship;
      expect(fjellEnded.userErrors).toEqual([]);
      const before = await snapshot(app);
      const res = dataOf(await app.gql(CANCEL, { input: { relationshipId: rel } }, 'u-kari')).cancelRelationshipEnd;
      expect(codes(res)).toEqual(['CLIENT_LINKED_ELSEWHERE']);
      expect(await snapshot(app)).toEqual(before);
    });
  });

  describe('postponing the generation date (E7)', () => {
    it('postponing again and again stops at 366 days after the day of the ending', async () => {
      const update = async (generationDate: string) => dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate } }, 'u-kari')).updateEndedRelationship;
      expect((await update('2027-11-29')).userErrors).toEqual([]); // ended 2026-11-28: the last allowed day

      app.clock.set('2027-11-01T12:00:00Z');
      const before = await snapshot(app);
      for (const later of ['2027-11-30', '2028-10-31']) {
        const res = await update(later);
        expect(res.userErrors).toEqual([expect.objectContaining({ code: 'GENERATION_DATE_TOO_FAR', field: ['input', 'generationDate'] })]);
        expect(res.userErrors[0].message).toContain('2027-11-29');
      }
      expect(await snapshot(app)).toEqual(before);
      expect((await update('2027-11-20')).userErrors).toEqual([]); // earlier again is fine
    });

    it('the day of the ending is its Europe/Oslo date', async () => {
      // Ended at 00:30 on 29 November in Oslo (23:30 UTC the day before): the limit is 366 days after 29 November.
      await resetWorld(app, smallWorld(), '2026-11-28T23:30:00Z');
      expect(dataOf(await app.gql(END, { input: fjordEnding() }, 'u-kari')).endCustomerRelationship.userErrors).toEqual([]);
      rel = relationshipId(await latestRelationshipOf(app, 'c-fjord'));
      const update = async (generationDate: string) => dataOf(await app.gql(UPDATE, { input: { relationshipId: rel, generationDate } }, 'u-kari')).updateEndedRelationship;
      expect((await update('2027-11-20')).userErrors).toEqual([]);
      app.clock.set('2027-06-01T12:00:00Z');
      expect(codes(await update('2027-12-01'))).toEqual(['GENERATION_DATE_TOO_FAR']);
      expect((await update('2027-11-30')).userErrors).toEqual([]);
    });
  });
});
