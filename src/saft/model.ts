/**
 * The normalized SAF-T Financial model, shaped after schema 1.30.
 *
 * Files of versions 1.10 and 1.20 are mapped into this model when read, so the
 * rest of the application only ever sees the 1.30 shape.
 *
 * Money is integer øre held in a JS `number` (safe up to ±9 × 10^15 øre, far
 * beyond any ledger): adding øre is exact, adding kroner as floats is not.
 * Balances are signed: debit positive, credit negative. Line and tax amounts
 * are non-negative and their side is told by which of the debit/credit fields
 * is set — exactly one of them, as in the XSD.
 */

/** An amount in øre (1/100 NOK, or of the file's default currency). */
export type Ore = number;

/** A calendar date as `YYYY-MM-DD`. */
export type IsoDate = string;

export interface SaftAddress {
  streetName?: string;
  number?: string;
  city?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
}

export interface SaftContactPerson {
  /** `NotUsed` when the system only stores an unstructured name (then all of it is in lastName). */
  firstName: string;
  lastName: string;
  telephone?: string;
}

export interface SaftCompany {
  /** Organisation number (9 digits for Norwegian entities). */
  registrationNumber?: string;
  name: string;
  address?: SaftAddress;
  contact?: SaftContactPerson;
  /** Only when VAT registered, e.g. `999999999MVA`. */
  taxRegistrationNumber?: string;
}

/** The company the file is about: the schema requires its organisation number and a contact person. */
export interface SaftHeaderCompany extends SaftCompany {
  registrationNumber: string;
  contact: SaftContactPerson;
}

export interface SaftHeader {
  /** `AuditFileDateCreated`; passed in so that writing stays deterministic. */
  dateCreated: IsoDate;
  softwareCompanyName: string;
  softwareId: string;
  softwareVersion: string;
  company: SaftHeaderCompany;
  /** ISO 4217, normally `NOK`; every amount in the file is in this currency. */
  defaultCurrencyCode: string;
  /** Selection criteria, always as dates (accounting periods read from a file are turned into month dates). */
  selectionStartDate: IsoDate;
  selectionEndDate: IsoDate;
  headerComment?: string;
  /** The accounting firm or parent company sending the file on the company's behalf. */
  auditFileSender?: SaftCompany;
}

export interface SaftAccount {
  accountId: string;
  description: string;
  /** A næringsspesifikasjon category such as `balanseverdiForOmloepsmiddel`. */
  groupingCategory: string;
  groupingCode: string;
  /** True when the grouping was derived from the account number (older files) rather than read. */
  groupingDerived: boolean;
  openingBalance: Ore;
  closingBalance: Ore;
}

/** A customer's or supplier's balance on one GL control account (1.30 `BalanceAccount`). */
export interface SaftBalanceAccount {
  /** The GL control account, e.g. 1500 for receivables; optional in the schema. */
  accountId?: string;
  openingBalance: Ore;
  closingBalance: Ore;
}

export interface SaftParty {
  /** `CustomerID` or `SupplierID`. */
  id: string;
  name: string;
  /** Organisation number, for businesses. */
  registrationNumber?: string;
  balanceAccounts: SaftBalanceAccount[];
}

export type SaftCustomer = SaftParty;
export type SaftSupplier = SaftParty;

/** One `TaxCodeDetails` of the MVA tax table. */
export interface SaftTaxCode {
  code: string;
  description?: string;
  /** Percentage as a decimal number (25, 15, 12, 11.11); a rate, not money. */
  percentage?: number;
  /** A code from Standard_Tax_Codes.csv, or `NA` when no mapping is possible. */
  standardTaxCode: string;
  /** ISO 3166-1 alpha-2, normally `NO`. */
  country: string;
  /** Percentages of the base that carry the tax (1..n, normally just 100). */
  baseRates: number[];
}

/** One type/ID pair of the analysis table, e.g. department `A` / `100`. */
export interface SaftAnalysisTypeEntry {
  type: string;
  typeDescription: string;
  id: string;
  idDescription: string;
}

export interface SaftJournal {
  id: string;
  description: string;
  type: string;
}

export interface SaftLineTax {
  /** Always `MVA` in Norway. */
  taxType: string;
  taxCode: string;
  taxPercentage?: number;
  taxBase?: Ore;
  debitTaxAmount?: Ore;
  creditTaxAmount?: Ore;
}

export interface SaftLineAnalysis {
  type: string;
  id: string;
}

export interface SaftLine {
  recordId: string;
  accountId: string;
  /** Only on receivable lines (posting to the customer's control account). */
  customerId?: string;
  /** Only on payable lines (posting to the supplier's control account). */
  supplierId?: string;
  description: string;
  debitAmount?: Ore;
  creditAmount?: Ore;
  taxInformation: SaftLineTax[];
  analysis: SaftLineAnalysis[];
  valueDate?: IsoDate;
  sourceDocumentId?: string;
  referenceNumber?: string;
}

/** One voucher. */
export interface SaftTransaction {
  transactionId: string;
  /** Accounting period, ordinarily 1–12. */
  period: number;
  periodYear: number;
  transactionDate: IsoDate;
  /** The schema notes say it should always be filled in, though the XSD makes it optional. */
  voucherType?: string;
  voucherDescription?: string;
  description: string;
  systemEntryDate: IsoDate;
  glPostingDate: IsoDate;
  sourceId?: string;
  lines: SaftLine[];
}

/** The control totals of `GeneralLedgerEntries`. */
export interface SaftEntryTotals {
  numberOfEntries: number;
  totalDebit: Ore;
  totalCredit: Ore;
}

/** What a file held, counted while it was read or written. */
export interface SaftCounts {
  accounts: number;
  customers: number;
  suppliers: number;
  transactions: number;
  lines: number;
  totalDebit: Ore;
  totalCredit: Ore;
}

/** The signed effect of a line on its account: debit positive, credit negative. */
export function lineNet(line: SaftLine): Ore {
  return (line.debitAmount ?? 0) - (line.creditAmount ?? 0);
}

const AMOUNT = /^(-?)(\d{1,16})(?:\.(\d{1,2}))?$/;

/**
 * Parses an `xs:decimal` monetary value with at most 2 decimals into øre,
 * working on the digits so no floating-point rounding is involved.
 * Refuses anything else (3 decimals, exponents, separators, blanks).
 */
export function parseAmount(text: string): Ore {
  const trimmed = text.trim();
  const n = trimmed.length;
  let at = n > 0 && trimmed.charCodeAt(0) === 0x2d ? 1 : 0;
  const negative = at === 1;
  const integerStart = at;
  let kroner = 0;
  for (let c = trimmed.charCodeAt(at); c >= 0x30 && c <= 0x39; c = trimmed.charCodeAt(++at)) kroner = kroner * 10 + (c - 0x30);
  const integerDigits = at - integerStart;
  let fraction = 0;
  let fractionDigits = 0;
  if (at < n && trimmed.charCodeAt(at) === 0x2e) {
    for (let c = trimmed.charCodeAt(++at); c >= 0x30 && c <= 0x39 && fractionDigits < 3; c = trimmed.charCodeAt(++at)) {
      fraction = fraction * 10 + (c - 0x30);
      fractionDigits++;
    }
    if (fractionDigits === 0) at = -1;
  }
  // Sixteen digits can exceed 2^53, where digit by digit and `Number` may round differently: those go the long way.
  if (at !== n || integerDigits < 1 || integerDigits > 15 || fractionDigits > 2) return parseAmountByPattern(text);
  const ore = kroner * 100 + (fractionDigits === 1 ? fraction * 10 : fraction);
  return negative ? -ore : ore;
}

/** `parseAmount` by the pattern: what is not a plain amount of up to 15 integer digits, refused or read here. */
function parseAmountByPattern(text: string): Ore {
  const match = AMOUNT.exec(text.trim());
  if (!match) throw new RangeError(`not an amount with at most 2 decimals: "${text}"`);
  const [, sign, kroner, fraction = ''] = match;
  const ore = Number(kroner) * 100 + Number(fraction.padEnd(2, '0'));
  return sign === '-' ? -ore : ore;
}

/** Formats øre with exactly 2 decimals and `.` as separator: 123450 → "1234.50". */
export function formatAmount(ore: Ore): string {
  if (!Number.isSafeInteger(ore)) throw new RangeError(`not a whole number of øre: ${ore}`);
  const abs = ore < 0 ? -ore : ore;
  const cents = abs % 100;
  return `${ore < 0 ? '-' : ''}${(abs - cents) / 100}.${cents < 10 ? '0' : ''}${cents}`;
}

/** The sums of a voucher's debit and credit line amounts; a balanced voucher has them equal. */
export function transactionTotals(transaction: SaftTransaction): { debit: Ore; credit: Ore } {
  let debit = 0;
  let credit = 0;
  for (const line of transaction.lines) {
    debit += line.debitAmount ?? 0;
    credit += line.creditAmount ?? 0;
  }
  return { debit, credit };
}
