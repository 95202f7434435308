import type { Writable } from 'node:stream';
import { SaftIntegrityError } from './errors';
import { isKnownGrouping, isKnownStandardTaxCode } from './grouping';
import { SaftMasterData } from './master-data';
import {
  formatAmount,
  lineNet,
  transactionTotals,
  type Ore,
  type SaftAccount,
  type SaftAnalysisTypeEntry,
  type SaftCompany,
  type SaftCustomer,
  type SaftCounts,
  type SaftEntryTotals,
  type SaftHeader,
  type SaftJournal,
  type SaftLine,
  type SaftParty,
  type SaftSupplier,
  type SaftTaxCode,
  type SaftTransaction,
} from './model';
import { SAFT_NAMESPACE } from './reader';
import { escapeXml, indent, truncate, XmlOutput } from './xml-output';

/** Maximum lengths of the XSD's text types. */
const CODE = 9;
const SHORT = 18;
const MIDDLE1 = 35;
const MIDDLE2 = 70;
const LONG = 256;

/** Either kind of iterable, so arrays and database cursors both fit. */
export type Many<T> = Iterable<T> | AsyncIterable<T>;

/** Everything one SAF-T file holds, each list read once, in order. */
export interface SaftSource {
  header: SaftHeader;
  accounts: Many<SaftAccount>;
  customers: Many<SaftCustomer>;
  suppliers: Many<SaftSupplier>;
  taxCodes: Many<SaftTaxCode>;
  analysisTypes: Many<SaftAnalysisTypeEntry>;
  journals: Many<SaftJournal>;
  /** Written before the journals, so it must be known up front; checked against what follows. */
  entryTotals: SaftEntryTotals;
  /** The vouchers of one journal, called once per journal in the order of `journals`. */
  transactions(journalId: string): Many<SaftTransaction>;
  /**
   * The same vouchers in batches (as a database cursor delivers them), used instead of `transactions` when given:
   * one asynchronous step per batch rather than per voucher.
   */
  transactionBatches?(journalId: string): AsyncIterable<SaftTransaction[]>;
  /**
   * True when the source has made sure no TransactionID occurs twice (the books in MySQL ask MySQL): the writer then
   * need not remember every id, which is the one thing that would make its memory grow with the number of vouchers.
   */
  transactionIdsUnique?: boolean;
}

export interface SaftWriteSummary extends SaftCounts {
  bytes: number;
}

/**
 * Writes one SAF-T Financial 1.30 file to `output` and ends it. Checks the
 * rules the XSD does not (balanced vouchers, control totals, references,
 * account and sub-ledger balances) while streaming; if any fails, it still
 * finishes the file and then throws `SaftIntegrityError` listing the problems
 * — the caller must discard what was written. No clock is read: the same
 * source always gives the same bytes.
 */
export async function writeSaft(output: Writable, source: SaftSource): Promise<SaftWriteSummary> {
  const xml = new XmlOutput(output);
  const check = new IntegrityCheck(source.header, !source.transactionIdsUnique);
  const summary = { accounts: 0, customers: 0, suppliers: 0, transactions: 0, lines: 0, totalDebit: 0, totalCredit: 0 };

  xml.raw('<?xml version="1.0" encoding="UTF-8"?>\n');
  xml.raw(`<AuditFile xmlns="${SAFT_NAMESPACE}">\n`);
  writeHeader(xml, source.header);
  xml.open('MasterFiles');
  summary.accounts = await writeSection(xml, 'GeneralLedgerAccounts', source.accounts, (account) => {
    check.account(account);
    writeAccount(xml, account, check);
  });
  summary.customers = await writeSection(xml, 'Customers', source.customers, (customer) => {
    check.party(customer, 'customer');
    writeParty(xml, 'Customer', 'CustomerID', customer, check);
  });
  summary.suppliers = await writeSection(xml, 'Suppliers', source.suppliers, (supplier) => {
    check.party(supplier, 'supplier');
    writeParty(xml, 'Supplier', 'SupplierID', supplier, check);
  });
  await writeSection(xml, 'TaxTable', source.taxCodes, (taxCode, first) => {
    check.taxCode(taxCode);
    if (first) {
      xml.open('TaxTableEntry');
      xml.leaf('TaxType', 'MVA');
      xml.leaf('Description', 'Merverdiavgift');
    }
    writeTaxCode(xml, taxCode, check);
  }, () => xml.close('TaxTableEntry'));
  await writeSection(xml, 'AnalysisTypeTable', source.analysisTypes, (entry) => {
    check.masterData.addAnalysis(entry);
    writeAnalysisType(xml, entry, check);
  });
  xml.close('MasterFiles');

  xml.open('GeneralLedgerEntries');
  xml.leaf('NumberOfEntries', String(source.entryTotals.numberOfEntries));
  xml.leaf('TotalDebit', formatAmount(source.entryTotals.totalDebit));
  xml.leaf('TotalCredit', formatAmount(source.entryTotals.totalCredit));
  for await (const journal of source.journals) {
    xml.open('Journal');
    xml.leaf('JournalID', check.identifier('JournalID', journal.id, SHORT));
    xml.text('Description', journal.description, LONG);
    xml.leaf('Type', check.identifier('Journal Type', journal.type, CODE));
    const batches = source.transactionBatches ? source.transactionBatches(journal.id) : oneByOne(source.transactions(journal.id));
    for await (const batch of batches) {
      for (const transaction of batch) {
        const { debit, credit } = check.transaction(transaction);
        writeTransaction(xml, transaction, check);
        summary.transactions++;
        summary.lines += transaction.lines.length;
        summary.totalDebit += debit;
        summary.totalCredit += credit;
        if (xml.full) await xml.flush();
      }
    }
    xml.close('Journal');
  }
  xml.close('GeneralLedgerEntries');
  xml.raw('</AuditFile>\n');
  await xml.end();

  check.totals(source.entryTotals, summary);
  check.balances();
  check.throwIfFailed();
  return { ...summary, bytes: xml.bytes };
}

/** Items as batches of one, for a source that gives no batches. */
async function* oneByOne<T>(items: Many<T>): AsyncIterable<T[]> {
  for await (const item of items) yield [item];
}

/**
 * Writes a wrapper element around the items, or nothing when there are none
 * (the XSD wants at least one item inside each wrapper).
 */
async function writeSection<T>(
  xml: XmlOutput,
  wrapper: string,
  items: Many<T>,
  writeItem: (item: T, first: boolean) => void,
  beforeClose?: () => void,
): Promise<number> {
  let count = 0;
  for await (const item of items) {
    if (count === 0) xml.open(wrapper);
    writeItem(item, count === 0);
    count++;
    await xml.flushIfFull();
  }
  if (count > 0) {
    beforeClose?.();
    xml.close(wrapper);
  }
  return count;
}

function writeHeader(xml: XmlOutput, header: SaftHeader): void {
  xml.open('Header');
  xml.leaf('AuditFileVersion', '1.30');
  xml.leaf('AuditFileCountry', 'NO');
  xml.leaf('AuditFileDateCreated', header.dateCreated);
  xml.text('SoftwareCompanyName', header.softwareCompanyName, MIDDLE2);
  xml.text('SoftwareID', header.softwareId, LONG);
  xml.text('SoftwareVersion', header.softwareVersion, SHORT);
  writeCompany(xml, 'Company', header.company);
  xml.leaf('DefaultCurrencyCode', header.defaultCurrencyCode);
  xml.open('SelectionCriteria');
  xml.leaf('SelectionStartDate', header.selectionStartDate);
  xml.leaf('SelectionEndDate', header.selectionEndDate);
  xml.close('SelectionCriteria');
  xml.optionalText('HeaderComment', header.headerComment, LONG);
  xml.leaf('TaxAccountingBasis', 'A');
  if (header.auditFileSender) writeCompany(xml, 'AuditFileSender', header.auditFileSender);
  xml.close('Header');
}

/** CompanyStructure (CompanyHeaderStructure when the contact is given, as the header requires). */
function writeCompany(xml: XmlOutput, element: string, company: SaftCompany): void {
  xml.open(element);
  xml.optionalText('RegistrationNumber', company.registrationNumber, MIDDLE1);
  xml.text('Name', company.name, LONG);
  const address = company.address;
  if (address) {
    xml.open('Address');
    xml.optionalText('StreetName', address.streetName, LONG);
    xml.optionalText('Number', address.number, MIDDLE2);
    xml.optionalText('City', address.city, LONG);
    xml.optionalText('PostalCode', address.postalCode, MIDDLE2);
    xml.optionalText('Country', address.country, 2);
    xml.close('Address');
  }
  const contact = company.contact;
  if (contact) {
    xml.open('Contact');
    xml.open('ContactPerson');
    xml.text('FirstName', contact.firstName, MIDDLE1);
    xml.text('LastName', contact.lastName, MIDDLE2);
    xml.close('ContactPerson');
    xml.optionalText('Telephone', contact.telephone, SHORT);
    xml.close('Contact');
  }
  if (company.taxRegistrationNumber !== undefined) {
    xml.open('TaxRegistration');
    xml.text('TaxRegistrationNumber', company.taxRegistrationNumber, MIDDLE1);
    xml.leaf('TaxAuthority', 'Skatteetaten');
    xml.close('TaxRegistration');
  }
  xml.close(element);
}

/** Balances as a positive amount in the Debit or Credit element; zero as debit 0.00. */
function writeBalance(xml: XmlOutput, prefix: 'Opening' | 'Closing', balance: Ore): void {
  if (balance >= 0) xml.leaf(`${prefix}DebitBalance`, formatAmount(balance));
  else xml.leaf(`${prefix}CreditBalance`, formatAmount(-balance));
}

function writeAccount(xml: XmlOutput, account: SaftAccount, check: IntegrityCheck): void {
  xml.open('Account');
  xml.leaf('AccountID', check.identifier('AccountID', account.accountId, MIDDLE2));
  xml.text('AccountDescription', account.description, LONG);
  xml.text('GroupingCategory', account.groupingCategory, LONG);
  xml.text('GroupingCode', account.groupingCode, MIDDLE1);
  xml.leaf('AccountType', 'GL');
  writeBalance(xml, 'Opening', account.openingBalance);
  writeBalance(xml, 'Closing', account.closingBalance);
  xml.close('Account');
}

function writeParty(
  xml: XmlOutput,
  element: 'Customer' | 'Supplier',
  idElement: 'CustomerID' | 'SupplierID',
  party: SaftParty,
  check: IntegrityCheck,
): void {
  xml.open(element);
  xml.optionalText('RegistrationNumber', party.registrationNumber, MIDDLE1);
  xml.text('Name', party.name, LONG);
  xml.leaf(idElement, check.identifier(idElement, party.id, MIDDLE1));
  for (const balance of party.balanceAccounts) {
    xml.open('BalanceAccount');
    if (balance.accountId !== undefined) xml.leaf('AccountID', check.identifier('AccountID', balance.accountId, MIDDLE2));
    writeBalance(xml, 'Opening', balance.openingBalance);
    writeBalance(xml, 'Closing', balance.closingBalance);
    xml.close('BalanceAccount');
  }
  xml.close(element);
}

function writeTaxCode(xml: XmlOutput, taxCode: SaftTaxCode, check: IntegrityCheck): void {
  xml.open('TaxCodeDetails');
  xml.leaf('TaxCode', check.identifier('TaxCode', taxCode.code, MIDDLE2));
  xml.optionalText('Description', taxCode.description, LONG);
  if (taxCode.percentage !== undefined) xml.leaf('TaxPercentage', String(taxCode.percentage));
  xml.text('Country', taxCode.country, 2);
  xml.text('StandardTaxCode', taxCode.standardTaxCode, 2);
  for (const rate of taxCode.baseRates) xml.leaf('BaseRate', String(rate));
  xml.close('TaxCodeDetails');
}

function writeAnalysisType(xml: XmlOutput, entry: SaftAnalysisTypeEntry, check: IntegrityCheck): void {
  xml.open('AnalysisTypeTableEntry');
  xml.leaf('AnalysisType', check.identifier('AnalysisType', entry.type, CODE));
  xml.text('AnalysisTypeDescription', entry.typeDescription, LONG);
  xml.leaf('AnalysisID', check.identifier('AnalysisID', entry.id, MIDDLE1));
  xml.text('AnalysisIDDescription', entry.idDescription, LONG);
  xml.close('AnalysisTypeTableEntry');
}

/**
 * A voucher and its lines as one text, handed to the output once: the same elements, in the same order and
 * indentation, as `open`/`leaf`/`close` would write them, without a call and a buffer append per element (a
 * million-line ledger has some twenty million of them).
 */
function writeTransaction(xml: XmlOutput, transaction: SaftTransaction, check: IntegrityCheck): void {
  const d = xml.depth;
  const i0 = indent(d);
  const i1 = indent(d + 1);
  let out =
    `${i0}<Transaction>\n` +
    `${i1}<TransactionID>${check.identifier('TransactionID', transaction.transactionId, MIDDLE2)}</TransactionID>\n` +
    `${i1}<Period>${transaction.period}</Period>\n` +
    `${i1}<PeriodYear>${transaction.periodYear}</PeriodYear>\n` +
    `${i1}<TransactionDate>${transaction.transactionDate}</TransactionDate>\n`;
  if (transaction.sourceId !== undefined) out += `${i1}<SourceID>${text(transaction.sourceId, MIDDLE1)}</SourceID>\n`;
  if (transaction.voucherType !== undefined) out += `${i1}<VoucherType>${text(transaction.voucherType, MIDDLE2)}</VoucherType>\n`;
  if (transaction.voucherDescription !== undefined) out += `${i1}<VoucherDescription>${text(transaction.voucherDescription, MIDDLE2)}</VoucherDescription>\n`;
  out +=
    `${i1}<Description>${text(transaction.description, LONG)}</Description>\n` +
    `${i1}<SystemEntryDate>${transaction.systemEntryDate}</SystemEntryDate>\n` +
    `${i1}<GLPostingDate>${transaction.glPostingDate}</GLPostingDate>\n`;
  const i2 = indent(d + 2);
  const i3 = indent(d + 3);
  for (const line of transaction.lines) out += lineText(line, check, i1, i2, i3, indent(d + 4));
  xml.raw(`${out}${i0}</Transaction>\n`);
}

/** Free text cut to the field's XSD length, then escaped (as `XmlOutput.text`). */
function text(value: string, maxLength: number): string {
  return escapeXml(truncate(value, maxLength));
}

/** One `Line` element at indentation `i1` (its children at `i2`, theirs at `i3` and `i4`). */
function lineText(line: SaftLine, check: IntegrityCheck, i1: string, i2: string, i3: string, i4: string): string {
  let out =
    `${i1}<Line>\n` +
    `${i2}<RecordID>${check.identifier('RecordID', line.recordId, SHORT)}</RecordID>\n` +
    `${i2}<AccountID>${check.identifier('AccountID', line.accountId, MIDDLE2)}</AccountID>\n`;
  for (const analysis of line.analysis) {
    out +=
      `${i2}<Analysis>\n` +
      `${i3}<AnalysisType>${check.identifier('AnalysisType', analysis.type, CODE)}</AnalysisType>\n` +
      `${i3}<AnalysisID>${check.identifier('AnalysisID', analysis.id, MIDDLE1)}</AnalysisID>\n` +
      `${i2}</Analysis>\n`;
  }
  if (line.valueDate !== undefined) out += `${i2}<ValueDate>${line.valueDate}</ValueDate>\n`;
  if (line.sourceDocumentId !== undefined) out += `${i2}<SourceDocumentID>${text(line.sourceDocumentId, MIDDLE1)}</SourceDocumentID>\n`;
  if (line.customerId !== undefined) out += `${i2}<CustomerID>${check.identifier('CustomerID', line.customerId, MIDDLE1)}</CustomerID>\n`;
  if (line.supplierId !== undefined) out += `${i2}<SupplierID>${check.identifier('SupplierID', line.supplierId, MIDDLE1)}</SupplierID>\n`;
  out += `${i2}<Description>${text(line.description, LONG)}</Description>\n`;
  out +=
    line.debitAmount !== undefined
      ? `${i2}<DebitAmount>\n${i3}<Amount>${formatAmount(line.debitAmount ?? line.creditAmount ?? 0)}</Amount>\n${i2}</DebitAmount>\n`
      : `${i2}<CreditAmount>\n${i3}<Amount>${formatAmount(line.creditAmount ?? 0)}</Amount>\n${i2}</CreditAmount>\n`;
  for (const tax of line.taxInformation) {
    out +=
      `${i2}<TaxInformation>\n` +
      `${i3}<TaxType>${text(tax.taxType, CODE)}</TaxType>\n` +
      `${i3}<TaxCode>${check.identifier('TaxCode', tax.taxCode, MIDDLE2)}</TaxCode>\n`;
    if (tax.taxPercentage !== undefined) out += `${i3}<TaxPercentage>${String(tax.taxPercentage)}</TaxPercentage>\n`;
    if (tax.taxBase !== undefined) out += `${i3}<TaxBase>${formatAmount(tax.taxBase)}</TaxBase>\n`;
    out +=
      tax.debitTaxAmount !== undefined
        ? `${i3}<DebitTaxAmount>\n${i4}<Amount>${formatAmount(tax.debitTaxAmount ?? tax.creditTaxAmount ?? 0)}</Amount>\n${i3}</DebitTaxAmount>\n`
        : `${i3}<CreditTaxAmount>\n${i4}<Amount>${formatAmount(tax.creditTaxAmount ?? 0)}</Amount>\n${i3}</CreditTaxAmount>\n`;
    out += `${i2}</TaxInformation>\n`;
  }
  if (line.referenceNumber !== undefined) out += `${i2}<ReferenceNumber>${text(line.referenceNumber, MIDDLE1)}</ReferenceNumber>\n`;
  return `${out}${i1}</Line>\n`;
}

const MAX_REPORTED_PROBLEMS = 50;

/** The rules beyond the XSD, collected while writing and judged at the end. */
class IntegrityCheck {
  readonly masterData = new SaftMasterData();
  /** Signed balances per account: memory grows with the chart, not the transactions. */
  private readonly accounts = new Map<string, { opening: Ore; closing: Ore; movement: Ore }>();
  /** Sum of the parties' balances per GL control account. */
  private readonly partyBalances = new Map<string, { opening: Ore; closing: Ore }>();
  /** All TransactionIDs, to refuse duplicates (about 60–100 bytes per voucher); none when the source vouches for them. */
  private readonly transactionIds: Set<string> | undefined;
  private readonly problems: string[] = [];
  private problemCount = 0;

  constructor(
    private readonly header: SaftHeader,
    rememberTransactionIds: boolean,
  ) {
    this.transactionIds = rememberTransactionIds ? new Set<string>() : undefined;
  }

  fail(problem: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push(problem);
  }

  /**
   * Identifiers are not cut to their XSD length like free text: a cut ID
   * could merge two accounts or break a reference, so an over-long one is a
   * problem (it is written cut, but the file is then rejected).
   */
  identifier(field: string, value: string, maxLength: number): string {
    // Code points ≤ UTF-16 units: only a string longer than the limit in units needs counting.
    if (value.length > maxLength && Array.from(value).length > maxLength) this.fail(`${field} "${value}" is longer than ${maxLength} characters`);
    return escapeXml(truncate(value, maxLength));
  }

  account(account: SaftAccount): void {
    if (this.accounts.has(account.accountId)) this.fail(`account ${account.accountId} occurs more than once`);
    if (!isKnownGrouping(account.groupingCategory, account.groupingCode)) {
      this.fail(
        `account ${account.accountId}: grouping ${account.groupingCategory}/${account.groupingCode} is not in the næringsspesifikasjon list`,
      );
    }
    this.masterData.accountIds.add(account.accountId);
    this.accounts.set(account.accountId, {
      opening: account.openingBalance,
      closing: account.closingBalance,
      movement: 0,
    });
  }

  party(party: SaftParty, kind: 'customer' | 'supplier'): void {
    const ids = kind === 'customer' ? this.masterData.customerIds : this.masterData.supplierIds;
    if (ids.has(party.id)) this.fail(`${kind} ${party.id} occurs more than once`);
    ids.add(party.id);
    for (const balance of party.balanceAccounts) {
      if (balance.accountId === undefined) continue;
      if (!this.accounts.has(balance.accountId)) {
        this.fail(`${kind} ${party.id}: balance account ${balance.accountId} is not in GeneralLedgerAccounts`);
      }
      const sum = this.partyBalances.get(balance.accountId) ?? { opening: 0, closing: 0 };
      sum.opening += balance.openingBalance;
      sum.closing += balance.closingBalance;
      this.partyBalances.set(balance.accountId, sum);
    }
  }

  taxCode(taxCode: SaftTaxCode): void {
    if (!isKnownStandardTaxCode(taxCode.standardTaxCode)) {
      this.fail(`tax code ${taxCode.code}: StandardTaxCode ${taxCode.standardTaxCode} is not in the standard list`);
    }
    this.masterData.taxCodes.add(taxCode.code);
  }

  transaction(transaction: SaftTransaction): { debit: Ore; credit: Ore } {
    const id = transaction.transactionId;
    if (this.transactionIds) {
      if (this.transactionIds.has(id)) this.fail(`TransactionID ${id} occurs more than once`);
      this.transactionIds.add(id);
    }
    if (transaction.lines.length === 0) this.fail(`transaction ${id} has no lines`);
    const { transactionDate: date } = transaction;
    if (date < this.header.selectionStartDate || date > this.header.selectionEndDate) {
      this.fail(`transaction ${id} is dated ${date}, outside the selection`);
    }
    for (const line of transaction.lines) {
      const { debitAmount: debit, creditAmount: credit } = line;
      const amount = debit === undefined ? credit : debit;
      if ((debit === undefined) === (credit === undefined) || !Number.isSafeInteger(amount) || amount! < 0) {
        this.fail(`transaction ${id} line ${line.recordId}: needs one non-negative debit or credit amount in øre`);
      }
      const problem = this.masterData.unresolvedReference(line);
      if (problem) this.fail(`transaction ${id} line ${line.recordId}: ${problem}`);
      const account = this.accounts.get(line.accountId);
      if (account) account.movement += lineNet(line);
    }
    const totals = transactionTotals(transaction);
    if (totals.debit !== totals.credit) {
      this.fail(`transaction ${id} does not balance: debit ${formatAmount(totals.debit)}, credit ${formatAmount(totals.credit)}`);
    }
    return totals;
  }

  totals(declared: SaftEntryTotals, written: { transactions: number; totalDebit: Ore; totalCredit: Ore }): void {
    if (declared.numberOfEntries !== written.transactions) {
      this.fail(`NumberOfEntries ${declared.numberOfEntries} but ${written.transactions} transactions were written`);
    }
    if (declared.totalDebit !== written.totalDebit) {
      this.fail(`TotalDebit ${formatAmount(declared.totalDebit)} but the lines sum to ${formatAmount(written.totalDebit)}`);
    }
    if (declared.totalCredit !== written.totalCredit) {
      this.fail(`TotalCredit ${formatAmount(declared.totalCredit)} but the lines sum to ${formatAmount(written.totalCredit)}`);
    }
  }

  balances(): void {
    for (const [accountId, { opening, closing, movement }] of this.accounts) {
      if (opening + movement !== closing) {
        this.fail(
          `account ${accountId}: opening ${formatAmount(opening)} + movements ${formatAmount(movement)} ≠ closing ${formatAmount(closing)}`,
        );
      }
    }
    for (const [accountId, parties] of this.partyBalances) {
      const account = this.accounts.get(accountId);
      if (!account) continue;
      if (parties.opening !== account.opening || parties.closing !== account.closing) {
        this.fail(
          `control account ${accountId}: parties sum to opening ${formatAmount(parties.opening)} / closing ${formatAmount(parties.closing)}, ` +
            `the account has ${formatAmount(account.opening)} / ${formatAmount(account.closing)}`,
        );
      }
    }
  }

  throwIfFailed(): void {
    if (this.problemCount > 0) throw new SaftIntegrityError(this.problems, this.problemCount);
  }
}
