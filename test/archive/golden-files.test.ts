import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeSyntheticSaftFile } from '../support/synthetic-books';
import { startTestApp, TestApp } from '../support/test-app';
import { documentsOf, endRelationship, EXAMPLE_110, EXAMPLE_130, importSaft, ledgerWorld, readArchived } from '../ledger/ledger-helpers';

/**
 * Every generated file of three fixtures, pinned byte for byte by its SHA-256 (computed once from the generator as it
 * was before its passes were merged and its output rewritten for speed): the SAF-T file, the seven CSV and four PDF
 * specifications and the archive index of each fiscal year. A change of any byte — order, escaping, cutting, rounding,
 * a PDF's layout — shows here, whatever the other tests check about the content.
 */
const GOLDEN: Record<string, Record<string, string>> = {
  example130: {
    '2024 Arkivindeks_999999999_2024.pdf': '2960d8caf44d70388af8d8bc7b70e57e5c9290e7e124605eab73ebb53f21837c',
    '2024 Bilagsjournal_999999999_2024.csv': 'd2392073c8217b6ca93287c127a503d9526ef5785b1fbe593e2ef7042f81c72e',
    '2024 Hovedbok_999999999_2024.csv': 'e431fcdd8175cfa8e431f186e49c32e7752e956c447261a3afd0d8c436bb9589',
    '2024 Kundespesifikasjon_999999999_2024.csv': '3e5b90fc5142ac1b90755a99bf153558634ed8c400f3404cd0c68a79b6668a2d',
    '2024 Kundespesifikasjon_999999999_2024.pdf': '0f728099962889810df00ea983ea898df94f47df0e52ca3a5dc0922ba27617ff',
    '2024 Leverandorspesifikasjon_999999999_2024.csv': '50735c2e27b832785401fe4a8290f1f10cedaba8a2591a1cccf56480469b0b3f',
    '2024 Leverandorspesifikasjon_999999999_2024.pdf': '4616e743db64e34e80b9d7c253e1ff14aca938a0acfc33b502fc18c7ab932f3c',
    '2024 Mva-spesifikasjon_999999999_2024.csv': '6802ba33e7ece9ae6044e07fdebeb67cf54a0b82ef8b33fb48117c60f6038e8a',
    '2024 Mva-spesifikasjon_999999999_2024.pdf': '266fdf2c14e3653084e9028aff7340e9b6dba81783055e87156320064fb5ee84',
    '2024 SAF-T Financial_999999999_2024.xml': 'b00b4a1134f23f930cb4a22c74cc76808ff8cdd758fceb45996546fde261e151',
    '2024 Saldobalanse_999999999_2024.csv': '5dfb9482ef1eb9f6fccfff8d58b7b967bf3582a387880d73c0266e40139e8152',
    '2024 Saldobalanse_999999999_2024.pdf': 'ad3f1f7a108250a767788eb485ff622c7c5dc5641829a6b9abc9f2aed14d889a',
    '2024 Uttaksspesifikasjon_999999999_2024.csv': 'dd10c2156ac7d648ebebe0c9e674de8955773e6769ade2ab060a4af2cf7daf91',
    '2025 Arkivindeks_999999999_2025.pdf': 'b5575e7a1c02b1d7960e8adeeb1aed50e4e617757fd8a63a20b991240e42d0a1',
    '2025 Bilagsjournal_999999999_2025.csv': '159bfe789486458fbb3ea3cdb76846b4e07d1c7a7881a848422680e58e105d4d',
    '2025 Hovedbok_999999999_2025.csv': '20eb9998ea270f865f8553cf8c19c546249eee014795e6013944a2a1332a7674',
    '2025 Kundespesifikasjon_999999999_2025.csv': 'f1edcf9563bc4ac5d688f3d00c3bed68939633864babe76707df7cbf9590aa70',
    '2025 Kundespesifikasjon_999999999_2025.pdf': '38ff89a5b12767442ea6b1e42cbc5af7493782f320367979a9c9d55cdf554acb',
    '2025 Leverandorspesifikasjon_999999999_2025.csv': 'e7d65f7576cae69d926fd525d1ba5278bed4b5acb25ae7e5cc5d0aec190cc48f',
    '2025 Leverandorspesifikasjon_999999999_2025.pdf': 'ebff48ffc01e58729278fbd6ee6444a3f36d603f902ff70ffeb90f17d9b90a3c',
    '2025 Mva-spesifikasjon_999999999_2025.csv': 'cf24bcc7b1072878e85738c066310ed5f696dc7ff4e3bae72e5fdb20d71bcf11',
    '2025 Mva-spesifikasjon_999999999_2025.pdf': '62a7a4d8771599540fe5d76cd952e8bdb33f86ff686db07518ed2a0bfab10408',
    '2025 SAF-T Financial_999999999_2025.xml': 'd0813103e2621f9ddd593c4e84167b23767e7d2f27bc7906af495db4d2e19fe0',
    '2025 Saldobalanse_999999999_2025.csv': '6be7b4d9a1570cd203ebe5dca3f74521ec82293809764675e76edc84a9914f3d',
    '2025 Saldobalanse_999999999_2025.pdf': 'e631d5662dd528c71ad23e196d50a6fe5896b0eeaf9b67e33e7e48bfd7acb354',
    '2025 Uttaksspesifikasjon_999999999_2025.csv': 'd0ce4aa7ff18da503566f1282e849644d6a091dc3e77a18d5fb8d951183dea20',
  },
  example110: {
    '2015 Arkivindeks_999999999_2015.pdf': '2295a2c05d4d9d6afe84874265f8edc33b99c2bbaacad169d4e2a1b571c9f107',
    '2015 Bilagsjournal_999999999_2015.csv': 'b8eb103176177af62d79d002ee6987a7bf29a954768f731e24f10c5b63f95a0b',
    '2015 Hovedbok_999999999_2015.csv': '8f0b313dc39ad5f13bb365be1865fce83adb610093ac370c55e18e5275f34a18',
    '2015 Kundespesifikasjon_999999999_2015.csv': '3356378f4b3df35a72d162a36e73668def423ae9ad5354da230ebdc5f8046c3f',
    '2015 Kundespesifikasjon_999999999_2015.pdf': 'aacb0649e2c25574f4b9d7fcc347edb96db4f601060a0a93f895c88a1a1c1f9a',
    '2015 Leverandorspesifikasjon_999999999_2015.csv': '28a34062cb1db13c39efd3e22f6497291fa705729cf4a812ad857e312cd4dedf',
    '2015 Leverandorspesifikasjon_999999999_2015.pdf': 'bd1cf94f00c2a6b2295528b0a330c6251f2fafda390fc4fed3483bb8526614e8',
    '2015 Mva-spesifikasjon_999999999_2015.csv': '17d27ac46e728860af66b28f5900e643b3ebe1a21b95e78f38cec0f7a18c9e06',
    '2015 Mva-spesifikasjon_999999999_2015.pdf': '7ba5767ce2c88e4b98e13127d5992aaf4f575da579d147dd62867fda509b6a1c',
    '2015 SAF-T Financial_999999999_2015.xml': '03d02bdfc6d950f7efa3a599a0c40a0dace845863af62264ef01ba76c64588c4',
    '2015 Saldobalanse_999999999_2015.csv': '76a5955285fcd5d6386337d99843109569ad649ea28956cc0c4e3a2d62586b2d',
    '2015 Saldobalanse_999999999_2015.pdf': 'a13dfe818f39635af8a7f343dd8ef3b339604a22941cccd3533bd01fd17de6fb',
    '2015 Uttaksspesifikasjon_999999999_2015.csv': '291814a0b5da52ba1df6bdf9a274103bbb2cf8199222f117f66c66ca36b06819',
  },
  havbris: {
    '2025 Arkivindeks_922333444_2025.pdf': '0e7375695eb282e9848ee395f35305e22af1b4d1e7b9933464fa7256845ada9b',
    '2025 Bilagsjournal_922333444_2025.csv': '8b4979a1a95dddbc6e4e2e852b129eabe2ca7d39fabcdda9651030e073931359',
    '2025 Hovedbok_922333444_2025.csv': 'dc2b38cea4642e5e5d1f61ebd020a2d2059885bb58f13079198d09cecc846513',
    '2025 Kundespesifikasjon_922333444_2025.csv': 'df6be8310d124d8e28aaaacf0f133991499264a3671b00fcf266def5d5a89242',
    '2025 Kundespesifikasjon_922333444_2025.pdf': '87e61c8c4373b5c88e88bc0bbb1cf7885fb459e7adf94c8c6133924263fa6eea',
    '2025 Leverandorspesifikasjon_922333444_2025.csv': '40dfa3276ec5ebd921fb958eb4aaa60b109a90a4ca3f1a0e765ce0799b0e661f',
    '2025 Leverandorspesifikasjon_922333444_2025.pdf': '7624a5893e3d435e276bd56433c7cb8219689bee0ad45e654edef32f9152c68b',
    '2025 Mva-spesifikasjon_922333444_2025.csv': '7964061b8b8571749bddd04d5d5c0289c21f400548be9b160a0dd629c837d115',
    '2025 Mva-spesifikasjon_922333444_2025.pdf': 'ba36e187730e829ddd5444173780ee3d034901f8f9d5029ca8458d6192f6e4e9',
    '2025 SAF-T Financial_922333444_2025.xml': 'deff129c3de7e4a6c15d06792f72df5c1b2ed4e940ec6a8398effc27fe1010f8',
    '2025 Saldobalanse_922333444_2025.csv': 'f55c1e71fc1330210ca3d85abc4db33a7ab014a2daa5c6f5c85eddac57261761',
    '2025 Saldobalanse_922333444_2025.pdf': 'c6c184f0870cb05bce1742d4f7ebfb1199bdfe3aee5c9b52d8ab3f644a801cf7',
    '2025 Uttaksspesifikasjon_922333444_2025.csv': '14dba4d596f85b1a3f4c9c5021953cbdcd60243f09c2856041a166e081f96329',
  },
};

describe('generated files are byte for byte what they were (S3)', () => {
  let app: TestApp;
  let tmp: string;
  beforeAll(async () => {
    app = await startTestApp({ data: ledgerWorld() });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-'));
  });
  afterAll(async () => {
    fs.rmSync(path.resolve(app.opened.runtime.config.archiveDir), { recursive: true, force: true });
    fs.rmSync(tmp, { recursive: true, force: true });
    await app.close();
  });

  const hashesOf = async (relationshipId: string) => {
    const hashes: Record<string, string> = {};
    for (const document of await documentsOf(app, relationshipId)) {
      const bytes = readArchived(app, document);
      expect(document.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      hashes[`${document.fiscalYear} ${document.fileName}`] = document.sha256;
    }
    return hashes;
  };

  it('the official 1.30 example over 2024 (no entries) and 2025, with texts that need escaping, quoting and cutting', async () => {
    await importSaft(app, 'c-example', EXAMPLE_130);
    // Texts the writers must escape (XML), quote (CSV), cut to the XSD's length in code points, or drop (control characters).
    const [voucher] = await app.sql<{ id: string }>("SELECT id FROM ledger_transactions WHERE client_id = 'c-example' ORDER BY id LIMIT 1");
    await app.sql('UPDATE ledger_transactions SET description = ?, voucher_description = ? WHERE id = ?', [
      `Faktura <5> & "kreditnota"; linje\r\nto ${'æøå😀'.repeat(50)}`,
      `Bilag\u0001 & ${'x'.repeat(60)}`,
      voucher.id,
    ]);
    await app.sql('UPDATE ledger_lines SET description = ?, reference_number = ? WHERE transaction_ref = ? AND line_no = 0', [
      `Linje "A"; B & <C> ${'😀'.repeat(230)}`,
      'REF;"1"',
      voucher.id,
    ]);
    await app.sql("UPDATE ledger_accounts SET description = CONCAT(description, ' & uttak; \"privat\"') WHERE client_id = 'c-example' ORDER BY account_id LIMIT 2");
    const relationshipId = await endRelationship(app, 'c-example', '2024-01', '2025-12', '2026-02-01');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    expect(await hashesOf(relationshipId)).toEqual(GOLDEN.example130);
  });

  it('the 1.10 example (derived groupings)', async () => {
    const [row] = await app.sql<{ id: string }>("SELECT id FROM customer_relationships WHERE client_id = 'c-example'");
    await app.sql('DELETE FROM archive_documents WHERE relationship_id = ?', [row.id]);
    await app.sql("UPDATE customer_relationships SET status = 'ACTIVE' WHERE id = ?", [row.id]);
    await importSaft(app, 'c-example', EXAMPLE_110);
    const relationshipId = await endRelationship(app, 'c-example', '2015-01', '2015-12', '2016-11-25');
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    expect(await hashesOf(relationshipId)).toEqual(GOLDEN.example110);
  });

  it('synthetic books of a fiscal year from July, the second half only (the first half carried in), monthly VAT terms', async () => {
    const file = path.join(tmp, 'havbris.xml');
    await writeSyntheticSaftFile(file, {
      seed: 5,
      organizationNumber: '922333444',
      companyName: 'Havbris Sjømat AS',
      fiscalYearStartMonth: 7,
      fromDate: '2024-07-01',
      toDate: '2025-06-30',
      targetLines: 3000,
    });
    await importSaft(app, 'c-havbris', file);
    const relationshipId = await endRelationship(app, 'c-havbris', '2025-01', '2025-06', '2025-09-01');
    await app.sql("UPDATE clients SET vat_term = 'MONTHLY' WHERE id = ?", ['c-havbris']);
    await app.opened.runtime.mandatoryDataGenerator.generate(relationshipId);
    expect(await hashesOf(relationshipId)).toEqual(GOLDEN.havbris);
  });
});
