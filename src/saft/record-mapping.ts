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

/** `node` lacks the required element `name` (the message `requiredChild` gives). */
function lacking(node: XmlNode, name: string): never {
  return failAt(node, `${node.name} lacks the required element ${name}`);
}

/**
 * Transactions and lines are most of a file, so they are read in one pass over their children (the first element of
 * each name counts, as with `child`); the checks run in the same order as the generic helpers would run them.
 */
export function mapTransaction(node: XmlNode): SaftTransaction {
  let transactionId: XmlNode | undefined;
  let period: XmlNode | undefined;
  let periodYear: XmlNode | undefined;
  let transactionDate: XmlNode | undefined;
  let voucherType: XmlNode | undefined;
  let voucherDescription: XmlNode | undefined;
  let description: XmlNode | undefined;
  let systemEntryDate: XmlNode | undefined;
  let glPostingDate: XmlNode | undefined;
  let sourceId: XmlNode | undefined;
  const lineNodes: XmlNode[] = [];
  for (const c of node.children) {
    switch (c.name) {
      case 'Line':
        lineNodes.push(c);
        break;
      case 'TransactionID':
        transactionId ??= c;
        break;
      case 'Period':
        period ??= c;
        break;
      case 'PeriodYear':
        periodYear ??= c;
        break;
      case 'TransactionDate':
        transactionDate ??= c;
        break;
      case 'VoucherType':
        voucherType ??= c;
        break;
      case 'VoucherDescription':
        voucherDescription ??= c;
        break;
      case 'Description':
        description ??= c;
        break;
      case 'SystemEntryDate':
        systemEntryDate ??= c;
        break;
      case 'GLPostingDate':
        glPostingDate ??= c;
        break;
      case 'SourceID':
        sourceId ??= c;
        break;
    }
  }
  if (lineNodes.length === 0) failAt(node, 'Transaction has no Line');
  const transaction: SaftTransaction = {
    transactionId: (transactionId ?? lacking(node, 'TransactionID')).text,
    period: integerText(period ?? lacking(node, 'Period')),
    periodYear: integerText(periodYear ?? lacking(node, 'PeriodYear')),
    transactionDate: (transactionDate ?? lacking(node, 'TransactionDate')).text,
    voucherType: voucherType?.text,
    voucherDescription: voucherDescription?.text,
    description: (description ?? lacking(node, 'Description')).text,
    systemEntryDate: (systemEntryDate ?? lacking(node, 'SystemEntryDate')).text,
    glPostingDate: (glPostingDate ?? lacking(node, 'GLPostingDate')).text,
    sourceId: sourceId?.text,
    lines: [],
  };
  const lines = transaction.lines;
  for (const lineNode of lineNodes) lines.push(mapLine(lineNode));
  return transaction;
}

function mapLine(node: XmlNode): SaftLine {
  let debit: XmlNode | undefined;
  let credit: XmlNode | undefined;
  let recordId: XmlNode | undefined;
  let accountId: XmlNode | undefined;
  let customerId: XmlNode | undefined;
  let supplierId: XmlNode | undefined;
  let description: XmlNode | undefined;
  let valueDate: XmlNode | undefined;
  let sourceDocumentId: XmlNode | undefined;
  let referenceNumber: XmlNode | undefined;
  let analysisNodes: XmlNode[] | undefined;
  let taxNodes: XmlNode[] | undefined;
  for (const c of node.children) {
    switch (c.name) {
      case 'RecordID':
        recordId ??= c;
        break;
      case 'AccountID':
        accountId ??= c;
        break;
      case 'Description':
        description ??= c;
        break;
      case 'DebitAmount':
        debit ??= c;
        break;
      case 'CreditAmount':
        credit ??= c;
        break;
      case 'CustomerID':
        customerId ??= c;
        break;
      case 'SupplierID':
        supplierId ??= c;
        break;
      case 'ValueDate':
        valueDate ??= c;
        break;
      case 'SourceDocumentID':
        sourceDocumentId ??= c;
        break;
      case 'ReferenceNumber':
        referenceNumber ??= c;
        break;
      case 'Analysis':
        (analysisNodes ??= []).push(c);
        break;
      case 'TaxInformation':
        (taxNodes ??= []).push(c);
        break;
    }
  }
  if ((debit === undefined) === (credit === undefined)) {
    failAt(node, 'Line needs exactly one of DebitAmount and CreditAmount');
  }
  const line: SaftLine = {
    recordId: (recordId ?? lacking(node, 'RecordID')).text,
    accountId: (accountId ?? lacking(node, 'AccountID')).text,
    customerId: customerId?.text,
    supplierId: supplierId?.text,
    description: (description ?? lacking(node, 'Description')).text,
    debitAmount: debit && amountOf(debit),
    creditAmount: credit && amountOf(credit),
    taxInformation: [],
    analysis:
      analysisNodes === undefined
        ? []
        : analysisNodes.map((a) => ({
            type: requiredText(a, 'AnalysisType'),
            id: requiredText(a, 'AnalysisID'),
          })),
    valueDate: valueDate?.text,
    sourceDocumentId: sourceDocumentId?.text,
    referenceNumber: referenceNumber?.text,
  };
  if (taxNodes !== undefined) line.taxInformation = taxNodes.map((tax) => mapLineTax(tax, debit !== undefined));
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
