import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { readSaft, SaftFormatError, type SaftReadOptions } from '../../src/saft';
import { collectingSink } from './books-in-memory';
import { SAFT_REFERENCE } from './xsd';

const EXAMPLE = fs.readFileSync(path.join(SAFT_REFERENCE, 'examples/generated_auditfile_formatted_v_1.30.xml'), 'utf8');

/** The example with the `occurrence`-th (1-based) `from` replaced by `to`, and the line of that change. */
function mutate(from: string, to: string, occurrence = 1): { xml: string; line: number; index: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = EXAMPLE.indexOf(from, index + 1);
  if (index < 0) throw new Error(`"${from}" not in the example`);
  return { xml: EXAMPLE.slice(0, index) + to + EXAMPLE.slice(index + from.length), line: lineAt(index), index };
}

function lineAt(index: number): number {
  return EXAMPLE.slice(0, index).split('\n').length;
}

/** Feeds the file in small chunks, so records and multi-byte characters straddle chunk boundaries. */
async function refusal(xml: string, options: SaftReadOptions = {}): Promise<SaftFormatError> {
  const bytes = Buffer.from(xml, 'utf8');
  const chunks = Array.from({ length: Math.ceil(bytes.length / 333) }, (_, i) => bytes.subarray(i * 333, (i + 1) * 333));
  const error = await readSaft(Readable.from(chunks), collectingSink(), options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SaftFormatError);
  return error as SaftFormatError;
}

describe('reading refuses', () => {
  it('malformed XML, at the line of the broken tag', async () => {
    const { xml, line } = mutate('<Name>Company INC</Name>', '<Name>Company INC</Nmae>');
    const error = await refusal(xml);
    expect(error.line).toBe(line);
    expect(error.reason).toBe('not well-formed XML: unexpected close tag.');
  });

  it('a transaction that does not balance, at the line where it starts', async () => {
    const { xml, index } = mutate('<Amount>12500.00</Amount>', '<Amount>12400.00</Amount>', 1);
    const error = await refusal(xml);
    expect(error.line).toBe(lineAt(EXAMPLE.lastIndexOf('<Transaction>', index)));
    expect(error.reason).toBe('transaction A1001 does not balance: debit 12500.00, credit 12400.00');
  });

  it('a NumberOfEntries that does not match the transactions', async () => {
    const { xml, line } = mutate('<NumberOfEntries>3</NumberOfEntries>', '<NumberOfEntries>4</NumberOfEntries>');
    const error = await refusal(xml);
    expect(error.line).toBe(line);
    expect(error.reason).toBe('NumberOfEntries is 4 but the file has 3 transactions');
  });

  it('a TotalDebit or TotalCredit that does not match the lines', async () => {
    const debit = mutate('<TotalDebit>37500.00</TotalDebit>', '<TotalDebit>37500.01</TotalDebit>');
    const debitError = await refusal(debit.xml);
    expect(debitError.line).toBe(debit.line);
    expect(debitError.reason).toBe('TotalDebit is 37500.01 but the lines sum to 37500.00');

    const credit = mutate('<TotalCredit>37500.00</TotalCredit>', '<TotalCredit>1.00</TotalCredit>');
    const creditError = await refusal(credit.xml);
    expect(creditError.line).toBe(credit.line);
    expect(creditError.reason).toBe('TotalCredit is 1.00 but the lines sum to 37500.00');
  });

  it('a line posting to an account missing from the chart, at the line where that Line starts', async () => {
    // The 2nd <AccountID>4000 is the first transaction line's, the 1st is the chart's.
    const { xml, index } = mutate('<AccountID>4000</AccountID>', '<AccountID>4001</AccountID>', 2);
    const error = await refusal(xml);
    expect(error.line).toBe(lineAt(EXAMPLE.lastIndexOf('<Line>', index)));
    expect(error.reason).toBe('transaction A1001: AccountID 4001 is not in GeneralLedgerAccounts');
  });

  it('a line for an unknown supplier', async () => {
    const { xml, index } = mutate('<SupplierID>24000</SupplierID>', '<SupplierID>24001</SupplierID>', 2);
    const error = await refusal(xml);
    expect(error.line).toBe(lineAt(EXAMPLE.lastIndexOf('<Line>', index)));
    expect(error.reason).toBe('transaction A1001: SupplierID 24001 is not in Suppliers');
  });

  it('a file for another organisation than expected, at the Header', async () => {
    const error = await refusal(EXAMPLE, { expectedOrganizationNumber: '912345674' });
    expect(error.line).toBe(lineAt(EXAMPLE.indexOf('<Header>')));
    expect(error.reason).toBe('the file is for organisation number 999999999, expected 912345674');
  });

  it('a TransactionID used twice', async () => {
    const { xml } = mutate('<TransactionID>A1002</TransactionID>', '<TransactionID>A1001</TransactionID>');
    const error = await refusal(xml);
    expect(error.line).toBe(lineAt(EXAMPLE.indexOf('<TransactionID>A1002')) - 1);
    expect(error.reason).toBe('TransactionID A1001 occurs more than once');
  });

  it('an unsupported AuditFileVersion', async () => {
    const { xml } = mutate('<AuditFileVersion>1.30</AuditFileVersion>', '<AuditFileVersion>1.40</AuditFileVersion>');
    const error = await refusal(xml);
    expect(error.reason).toBe('AuditFileVersion 1.40 is not supported (accepted: 1.10, 1.20, 1.30)');
  });

  it('a missing required element, naming it', async () => {
    const { xml, index } = mutate('<Description>Transaction A1002</Description>', '');
    const error = await refusal(xml);
    expect(error.line).toBe(lineAt(EXAMPLE.lastIndexOf('<Transaction>', index)));
    expect(error.reason).toBe('Transaction lacks the required element Description');
  });

  it('an amount with more than 2 decimals', async () => {
    const { xml, line } = mutate('<Amount>2500.00</Amount>', '<Amount>2500.001</Amount>');
    const error = await refusal(xml);
    expect(error.line).toBe(line);
    expect(error.reason).toBe('Amount is not an amount with at most 2 decimals: "2500.001"');
  });
});
