import { deriveGrouping } from './grouping';
import type {
  SaftAccount,
  SaftAddress,
  SaftAnalysisTypeEntry,
  SaftBalanceAccount,
  SaftCompany,
  SaftHeader,
  SaftJournal,
  SaftLine,
  SaftLineTax,
  SaftParty,
  SaftTaxCode,
  SaftTransaction,
} from './model';
import {
  amountOf,
  amountText,
  child,
  children,
  decimalText,
  failAt,
  integerText,
  optionalText,
  requiredChild,
  requiredText,
  signedBalance,
  type XmlNode,
} from './xml-node';

/**
 * Maps the records of a SAF-T file of version 1.10, 1.20 or 1.30 to the 1.30
 * model. Where the older layouts differ, the mapping says so.
 */

export function mapHeader(node: XmlNode): SaftHeader {
  const companyNode = requiredChild(node, 'Company');
  const company = mapCompany(companyNode);
  const contactNode = requiredChild(companyNode, 'Contact');
  const person = requiredChild(contactNode, 'ContactPerson');
  const selection = mapSelection(requiredChild(node, 'SelectionCriteria'));
  const sender = child(node, 'AuditFileSender');
  return {
    dateCreated: requiredText(node, 'AuditFileDateCreated'),
    softwareCompanyName: requiredText(node, 'SoftwareCompanyName'),
    softwareId: requiredText(node, 'SoftwareID'),
    softwareVersion: requiredText(node, 'SoftwareVersion'),
    company: {
      ...company,
      registrationNumber: requiredText(companyNode, 'RegistrationNumber'),
      contact: {
        firstName: requiredText(person, 'FirstName'),
        lastName: requiredText(person, 'LastName'),
        telephone: optionalText(contactNode, 'Telephone'),
      },
    },
    defaultCurrencyCode: requiredText(node, 'DefaultCurrencyCode'),
    ...selection,
    headerComment: optionalText(node, 'HeaderComment'),
    auditFileSender: sender && mapCompany(sender),
  };
}

/** Only the first address, contact and tax registration are kept: the model has one of each. */
function mapCompany(node: XmlNode): SaftCompany {
  const address = child(node, 'Address');
  const contact = child(node, 'Contact');
  const person = contact && child(contact, 'ContactPerson');
  const taxRegistration = child(node, 'TaxRegistration');
  return {
    registrationNumber: optionalText(node, 'RegistrationNumber'),
    name: requiredText(node, 'Name'),
    address: address && mapAddress(address),
    contact: person && {
      firstName: requiredText(person, 'FirstName'),
      lastName: requiredText(person, 'LastName'),
      telephone: contact && optionalText(contact, 'Telephone'),
    },
    taxRegistrationNumber: taxRegistration && requiredText(taxRegistration, 'TaxRegistrationNumber'),
  };
}

function mapAddress(node: XmlNode): SaftAddress {
  return {
    streetName: optionalText(node, 'StreetName'),
    number: optionalText(node, 'Number'),
    city: optionalText(node, 'City'),
    postalCode: optionalText(node, 'PostalCode'),
    country: optionalText(node, 'Country'),
  };
}

/**
 * Selection by accounting periods is turned into dates, reading periods as
 * calendar months (period 0 and 13, opening and closing periods, fall in the
 * first and last month).
 */
function mapSelection(node: XmlNode): Pick<SaftHeader, 'selectionStartDate' | 'selectionEndDate'> {
  const start = child(node, 'SelectionStartDate');
  if (start) return { selectionStartDate: start.text, selectionEndDate: requiredText(node, 'SelectionEndDate') };
  const startMonth = Math.min(Math.max(integerText(requiredChild(node, 'PeriodStart')), 1), 12);
  const startYear = integerText(requiredChild(node, 'PeriodStartYear'));
  const endMonth = Math.min(Math.max(integerText(requiredChild(node, 'PeriodEnd')), 1), 12);
  const endYear = integerText(requiredChild(node, 'PeriodEndYear'));
  const lastDay = new Date(Date.UTC(endYear, endMonth, 0)).getUTCDate();
  return {
    selectionStartDate: `${startYear}-${pad2(startMonth)}-01`,
    selectionEndDate: `${endYear}-${pad2(endMonth)}-${pad2(lastDay)}`,
  };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** 1.10/1.20 accounts may lack a grouping (they have `StandardAccountID`): it is then derived. */
export function mapAccount(node: XmlNode): SaftAccount {
  const accountId = requiredText(node, 'AccountID');
  const category = optionalText(node, 'GroupingCategory');
  const code = optionalText(node, 'GroupingCode');
  const derived = category && code ? undefined : deriveGrouping(accountId, optionalText(node, 'StandardAccountID'));
  if (!(category && code) && !derived) {
    failAt(node, `account ${accountId} has no GroupingCategory/GroupingCode and none can be derived from its number`);
  }
  return {
    accountId,
    description: requiredText(node, 'AccountDescription'),
    groupingCategory: derived?.groupingCategory ?? category!,
    groupingCode: derived?.groupingCode ?? code!,
    groupingDerived: derived !== undefined,
    openingBalance: signedBalance(node, 'Opening'),
    closingBalance: signedBalance(node, 'Closing'),
  };
}

/**
 * 1.30 gives a party's balances as `BalanceAccount` elements; 1.10/1.20 put a
 * single `AccountID` with opening/closing balance directly in the party.
 */
export function mapParty(node: XmlNode, idElement: 'CustomerID' | 'SupplierID'): SaftParty {
  const balanceNodes = children(node, 'BalanceAccount');
  const balanceAccounts: SaftBalanceAccount[] = balanceNodes.map(mapBalanceAccount);
  if (balanceNodes.length === 0 && (child(node, 'OpeningDebitBalance') || child(node, 'OpeningCreditBalance'))) {
    balanceAccounts.push(mapBalanceAccount(node));
  }
  return {
    id: requiredText(node, idElement),
    name: requiredText(node, 'Name'),
    registrationNumber: optionalText(node, 'RegistrationNumber'),
    balanceAccounts,
  };
}

function mapBalanceAccount(node: XmlNode): SaftBalanceAccount {
  return {
    accountId: optionalText(node, 'AccountID'),
    openingBalance: signedBalance(node, 'Opening'),
    closingBalance: signedBalance(node, 'Closing'),
  };
}

/** A `StandardTaxCode` missing in older files becomes `NA`; a missing `BaseRate`, 100. */
export function mapTaxTableEntry(node: XmlNode): SaftTaxCode[] {
  return children(node, 'TaxCodeDetails').map((details) => {
    const percentage = child(details, 'TaxPercentage');
    const baseRates = children(details, 'BaseRate').map(decimalText);
    return {
      code: requiredText(details, 'TaxCode'),
      description: optionalText(details, 'Description'),
      percentage: percentage && decimalText(percentage),
      standardTaxCode: optionalText(details, 'StandardTaxCode') ?? 'NA',
      country: requiredText(details, 'Country'),
      baseRates: baseRates.length > 0 ? baseRates : [100],
    };
  });
}

export function mapAnalysisTypeEntry(node: XmlNode): SaftAnalysisTypeEntry {
  return {
    type: requiredText(node, 'AnalysisType'),
    typeDescription: requiredText(node, 'AnalysisTypeDescription'),
    id: requiredText(node, 'AnalysisID'),
    idDescription: requiredText(node, 'AnalysisIDDescription'),
  };
}

export function mapJournal(node: XmlNode): SaftJournal {
  return {
    id: requiredText(node, 'JournalID'),
    description: requiredText(node, 'Description'),
    type: requiredText(node, 'Type'),
  };
}

export function mapTransaction(node: XmlNode): SaftTransaction {
  const lines = children(node, 'Line');
  if (lines.length === 0) failAt(node, 'Transaction has no Line');
  return {
    transactionId: requiredText(node, 'TransactionID'),
    period: integerText(requiredChild(node, 'Period')),
    periodYear: integerText(requiredChild(node, 'PeriodYear')),
    transactionDate: requiredText(node, 'TransactionDate'),
    voucherType: optionalText(node, 'VoucherType'),
    voucherDescription: optionalText(node, 'VoucherDescription'),
    description: requiredText(node, 'Description'),
    systemEntryDate: requiredText(node, 'SystemEntryDate'),
    glPostingDate: requiredText(node, 'GLPostingDate'),
    sourceId: optionalText(node, 'SourceID'),
    lines: lines.map(mapLine),
  };
}

function mapLine(node: XmlNode): SaftLine {
  const debit = child(node, 'DebitAmount');
  const credit = child(node, 'CreditAmount');
  if ((debit === undefined) === (credit === undefined)) {
    failAt(node, 'Line needs exactly one of DebitAmount and CreditAmount');
  }
  const line: SaftLine = {
    recordId: requiredText(node, 'RecordID'),
    accountId: requiredText(node, 'AccountID'),
    customerId: optionalText(node, 'CustomerID'),
    supplierId: optionalText(node, 'SupplierID'),
    description: requiredText(node, 'Description'),
    debitAmount: debit && amountOf(debit),
    creditAmount: credit && amountOf(credit),
    taxInformation: [],
    analysis: children(node, 'Analysis').map((a) => ({
      type: requiredText(a, 'AnalysisType'),
      id: requiredText(a, 'AnalysisID'),
    })),
    valueDate: optionalText(node, 'ValueDate'),
    sourceDocumentId: optionalText(node, 'SourceDocumentID'),
    referenceNumber: optionalText(node, 'ReferenceNumber'),
  };
  line.taxInformation = children(node, 'TaxInformation').map((tax) => mapLineTax(tax, debit !== undefined));
  return line;
}

/**
 * 1.10/1.20 have a side-less `TaxAmount`. It takes the side of its line (VAT
 * on a cost is debited, VAT on a sale credited); a negative one the other side.
 */
function mapLineTax(node: XmlNode, debitLine: boolean): SaftLineTax {
  const percentage = child(node, 'TaxPercentage');
  const base = child(node, 'TaxBase');
  const debitTax = child(node, 'DebitTaxAmount');
  const creditTax = child(node, 'CreditTaxAmount');
  const legacy = child(node, 'TaxAmount');
  const tax: SaftLineTax = {
    taxType: optionalText(node, 'TaxType') ?? 'MVA',
    taxCode: requiredText(node, 'TaxCode'),
    taxPercentage: percentage && decimalText(percentage),
    taxBase: base && amountText(base),
  };
  if (debitTax) tax.debitTaxAmount = amountOf(debitTax);
  else if (creditTax) tax.creditTaxAmount = amountOf(creditTax);
  else if (legacy) {
    const amount = amountOf(legacy);
    if (debitLine === amount >= 0) tax.debitTaxAmount = Math.abs(amount);
    else tax.creditTaxAmount = Math.abs(amount);
  } else failAt(node, 'TaxInformation lacks DebitTaxAmount or CreditTaxAmount');
  return tax;
}
