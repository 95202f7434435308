import { toGlobalId } from '../../src/common/global-id';
import { dataOf, startTestApp, TestApp } from '../support/test-app';
import { EXAMPLE_110, importSaft, ledgerWorld } from './ledger-helpers';

const PREVIEW = `query($id: ID!) { endCustomerRelationshipPreview(clientId: $id) { warnings { code message } } }`;
const END = `mutation($input: EndCustomerRelationshipInput!) { endCustomerRelationship(input: $input) { warnings { code message } userErrors { code } } }`;

describe('accounts without a SAF-T 1.30 grouping are warned about before the ending (issue: derived groupings)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
  });
  afterAll(() => app.close());

  it('books imported as 1.30 with groupings give no such warning', async () => {
    const preview = dataOf(await app.gql(PREVIEW, { id: toGlobalId('Client', 'c-example') }, 'u-kari')).endCustomerRelationshipPreview;
    expect(preview.warnings).toEqual([]);
  });

  it('books imported from a 1.10 file: the preview and the ending name the accounts with derived groupings', async () => {
    const summary = await importSaft(app, 'c-example', EXAMPLE_110);
    expect(summary.derivedGroupingAccountIds.length).toBeGreaterThan(0);
    const preview = dataOf(await app.gql(PREVIEW, { id: toGlobalId('Client', 'c-example') }, 'u-kari')).endCustomerRelationshipPreview;
    expect(preview.warnings).toHaveLength(1);
    expect(preview.warnings[0].code).toBe('DERIVED_SAFT_GROUPINGS');
    for (const accountId of summary.derivedGroupingAccountIds.slice(0, 10)) expect(preview.warnings[0].message).toContain(accountId);

    const input = { clientId: toGlobalId('Client', 'c-example'), responsibilityFrom: '2025-01', responsibilityTo: '2026-11', generationDate: '2027-01-15' };
    const ended = dataOf(await app.gql(END, { input }, 'u-kari')).endCustomerRelationship;
    expect(ended.userErrors).toEqual([]);
    expect(ended.warnings.map((w: { code: string }) => w.code)).toContain('DERIVED_SAFT_GROUPINGS');
  });
});
