import { manyClients } from '../support/fixtures';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { clientId, END } from './relationship-helpers';

const MINIMAL = `mutation End($input: EndCustomerRelationshipInput!) { endCustomerRelationship(input: $input) { relationship { id } userErrors { code } } }`;

/**
 * The cost of one ending in SQL statements does not grow with the client's users (one UPDATE for all the accesses,
 * batched loaders for the payload). Set REPORT_ENDING_COST=1 to print the statement count and latency.
 */
describe('the cost of endCustomerRelationship (DESIGN E4)', () => {
  const report = !!process.env.REPORT_ENDING_COST;
  const measure = async (users: number, query: string, runs: number) => {
    const app: TestApp = await startTestApp({ data: manyClients(runs, users, 2) });
    try {
      const counts: number[] = [];
      const millis: number[] = [];
      for (let i = 0; i < runs; i++) {
        const input = { clientId: clientId(`c-${String(i).padStart(5, '0')}`), responsibilityFrom: '2020-01', responsibilityTo: '2026-11', generationDate: '2027-01-15' };
        const token = await app.tokenFor('u-staff-1');
        app.statements.reset();
        const started = process.hrtime.bigint();
        const res = await app.gql(query, { input }, { authorization: `Bearer ${token}` });
        millis.push(Number(process.hrtime.bigint() - started) / 1e6);
        counts.push(app.statements.count);
        expect(dataOf(res).endCustomerRelationship.userErrors).toEqual([]);
      }
      const sorted = [...millis].sort((a, b) => a - b);
      return { count: counts[counts.length - 1], statements: [...app.statements.statements], medianMs: sorted[Math.floor(sorted.length / 2)], maxMs: sorted[sorted.length - 1] };
    } finally {
      await app.close();
    }
  };

  it('E4: the number of SQL statements of one ending does not depend on how many users the client has', async () => {
    const small = await measure(5, END, 1);
    const large = await measure(50, END, report ? 10 : 1);
    expect(large.count).toBe(small.count);
    expect(large.count).toBeLessThan(40);
    if (report) {
      const minimal = await measure(50, MINIMAL, 10);
      console.log(
        `endCustomerRelationship, 50 users: ${minimal.count} statements (minimal selection), ${large.count} (full payload); ` +
          `latency median ${large.medianMs.toFixed(1)} ms, max ${large.maxMs.toFixed(1)} ms over 10 runs\n${minimal.statements.join('\n')}`,
      );
    }
  });
});
