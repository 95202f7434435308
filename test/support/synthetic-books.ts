import * as fs from 'node:fs';
import {
  lineNet,
  writeSaft,
  type IsoDate,
  type Ore,
  type SaftAccount,
  type SaftAnalysisTypeEntry,
  type SaftHeader,
  type SaftJournal,
  type SaftLine,
  type SaftLineAnalysis,
  type SaftParty,
  type SaftSource,
  type SaftTaxCode,
  type SaftTransaction,
  type SaftWriteSummary,
} from '../../src/saft';

/**
 * Deterministic, realistic-looking Norwegian books for tests, demos and
 * benchmarks: the same options always give the same books. Transactions are
 * generated on demand from the seed, never stored, so any size fits in memory.
 */

export interface SyntheticBooksOptions {
  seed: number;
  organizationNumber: string;
  companyName: string;
  /** 1 = calendar year; 7 = fiscal years from July. Sets each voucher's Period/PeriodYear. */
  fiscalYearStartMonth: number;
  fromDate: IsoDate;
  toDate: IsoDate;
  /** About how many lines to generate, spread evenly over the working days. */
  targetLines: number;
}

export interface SyntheticEntry {
  journalId: string;
  transaction: SaftTransaction;
}

/** Master data with zero balances (the books start at `fromDate`), plus the vouchers in date order. */
export interface SyntheticBooks {
  header: SaftHeader;
  accounts: SaftAccount[];
  customers: SaftParty[];
  suppliers: SaftParty[];
  taxCodes: SaftTaxCode[];
  analysisTypes: SaftAnalysisTypeEntry[];
  journals: SaftJournal[];
  /** Generates the vouchers afresh from the seed on every call. */
  entries(): AsyncIterable<SyntheticEntry>;
}

const RECEIVABLES = '1500';
const BANK = '1920';
const PAYABLES = '2400';

/** NS 4102 chart with the næringsspesifikasjon grouping of each account. */
const CHART: ReadonlyArray<[accountId: string, description: string, category: string, code: string]> = [
  ['1500', 'Kundefordringer', 'balanseverdiForOmloepsmiddel', '1500'],
  ['1920', 'Bankinnskudd', 'balanseverdiForOmloepsmiddel', '1920'],
  ['2400', 'Leverandørgjeld', 'kortsiktigGjeld', '2400'],
  ['2600', 'Forskuddstrekk', 'kortsiktigGjeld', '2600'],
  ['2700', 'Utgående merverdiavgift', 'kortsiktigGjeld', '2740'],
  ['2710', 'Inngående merverdiavgift', 'kortsiktigGjeld', '2740'],
  ['2770', 'Skyldig arbeidsgiveravgift', 'kortsiktigGjeld', '2770'],
  ['3000', 'Salgsinntekt, avgiftspliktig', 'salgsinntekt', '3000'],
  ['3100', 'Salgsinntekt, avgiftsfri', 'salgsinntekt', '3100'],
  ['4000', 'Innkjøp av varer', 'varekostnad', '4005'],
  ['5000', 'Lønn til ansatte', 'loennskostnad', '5000'],
  ['5400', 'Arbeidsgiveravgift', 'loennskostnad', '5400'],
  ['6300', 'Leie lokale', 'annenDriftskostnad', '6300'],
  ['6700', 'Regnskapshonorar', 'annenDriftskostnad', '6700'],
  ['6800', 'Kontorrekvisita', 'annenDriftskostnad', '6995'],
  ['7770', 'Bank- og kortgebyrer', 'annenDriftskostnad', '7700'],
];

/** Local MVA codes equal to the standard codes, as many Norwegian systems number them. */
const TAX_CODES: SaftTaxCode[] = [
  { code: '1', description: 'Inngående MVA, høy sats', percentage: 25, standardTaxCode: '1', country: 'NO', baseRates: [100] },
  { code: '3', description: 'Utgående MVA, høy sats', percentage: 25, standardTaxCode: '3', country: 'NO', baseRates: [100] },
  { code: '31', description: 'Utgående MVA, middels sats', percentage: 15, standardTaxCode: '31', country: 'NO', baseRates: [100] },
  { code: '5', description: 'Innenlands omsetning fritatt for MVA', percentage: 0, standardTaxCode: '5', country: 'NO', baseRates: [100] },
];

const DEPARTMENTS: SaftAnalysisTypeEntry[] = [
  { type: 'A', typeDescription: 'Avdeling', id: '100', idDescription: 'Administrasjon' },
  { type: 'A', typeDescription: 'Avdeling', id: '200', idDescription: 'Salg' },
  { type: 'A', typeDescription: 'Avdeling', id: '300', idDescription: 'Lager' },
];

const JOURNALS: SaftJournal[] = [
  { id: 'SALG', description: 'Salgsjournal', type: 'S' },
  { id: 'KJOP', description: 'Innkjøpsjournal', type: 'P' },
  { id: 'BANK', description: 'Bankjournal', type: 'B' },
  { id: 'LONN', description: 'Lønnsjournal', type: 'L' },
];

const NAME_STEMS = ['Fjord', 'Nordlys', 'Vidde', 'Bjørke', 'Granli', 'Havbris', 'Solberg', 'Elvebakken', 'Tind', 'Lyngmo', 'Sjøstrand', 'Åsen'];
const NAME_TRADES = ['Bygg', 'Handel', 'Rådgivning', 'Transport', 'Elektro', 'Mat', 'Design', 'Eiendom', 'Verksted', 'Rør', 'Data', 'Maskin'];

/** mulberry32: tiny, fast and good enough for test data; not for anything secret. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/** A 9-digit organisation number with a valid MOD11 check digit. */
function organizationNumber(random: () => number): string {
  const weights = [3, 2, 7, 6, 5, 4, 3, 2];
  for (;;) {
    const digits = [between(random, 8, 9), ...Array.from({ length: 7 }, () => between(random, 0, 9))];
    const rest = digits.reduce((sum, d, i) => sum + d * weights[i], 0) % 11;
    const check = rest === 0 ? 0 : 11 - rest;
    if (check !== 10) return [...digits, check].join('');
  }
}

function parties(random: () => number, count: number, firstId: number, controlAccount: string): SaftParty[] {
  return Array.from({ length: count }, (_, i) => ({
    id: String(firstId + i),
    name: `${pick(random, NAME_STEMS)} ${pick(random, NAME_TRADES)} AS`,
    registrationNumber: organizationNumber(random),
    balanceAccounts: [{ accountId: controlAccount, openingBalance: 0, closingBalance: 0 }],
  }));
}

const DAY_MS = 86_400_000;

function parseDate(date: IsoDate): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) throw new RangeError(`not a date: ${date}`);
  return ms;
}

export function syntheticBooks(options: SyntheticBooksOptions): SyntheticBooks {
  const { seed, fromDate, toDate, fiscalYearStartMonth, targetLines } = options;
  const from = parseDate(fromDate);
  const to = parseDate(toDate);
  if (to < from) throw new RangeError('toDate is before fromDate');
  if (!Number.isInteger(fiscalYearStartMonth) || fiscalYearStartMonth < 1 || fiscalYearStartMonth > 12) {
    throw new RangeError('fiscalYearStartMonth must be 1–12');
  }
  const masterRandom = prng(seed);
  const partyCount = Math.min(500, Math.max(5, Math.round(targetLines / 200)));
  const customers = parties(masterRandom, partyCount, 10000, RECEIVABLES);
  const suppliers = parties(masterRandom, Math.max(3, Math.round(partyCount / 2)), 20000, PAYABLES);
  const employees = between(masterRandom, 3, 12);

  return {
    header: {
      dateCreated: toDate,
      softwareCompanyName: 'Klient Admin',
      softwareId: 'Klient Admin syntetisk regnskap',
      softwareVersion: '1.0',
      company: {
        registrationNumber: options.organizationNumber,
        name: options.companyName,
        address: { streetName: 'Storgata', number: '1', city: 'Oslo', postalCode: '0155', country: 'NO' },
        contact: { firstName: 'Kari', lastName: 'Nordmann', telephone: '22000000' },
        taxRegistrationNumber: `${options.organizationNumber}MVA`,
      },
      defaultCurrencyCode: 'NOK',
      selectionStartDate: fromDate,
      selectionEndDate: toDate,
    },
    accounts: CHART.map(([accountId, description, groupingCategory, groupingCode]) => ({
      accountId,
      description,
      groupingCategory,
      groupingCode,
      groupingDerived: false,
      openingBalance: 0,
      closingBalance: 0,
    })),
    customers,
    suppliers,
    taxCodes: TAX_CODES,
    analysisTypes: DEPARTMENTS,
    journals: JOURNALS,
    entries: () => generateEntries({ ...options, from, to, customers, suppliers, employees }),
  };
}

interface GenerationPlan extends SyntheticBooksOptions {
  from: number;
  to: number;
  customers: SaftParty[];
  suppliers: SaftParty[];
  employees: number;
}

/**
 * Walks the working days, making vouchers until the lines made so far reach
 * the day's share of `targetLines`, plus payroll on the 25th. Payments settle
 * a party's whole open balance, so only one number per party is kept.
 */
async function* generateEntries(plan: GenerationPlan): AsyncIterable<SyntheticEntry> {
  const random = prng(plan.seed ^ 0x5eed);
  const open = new Map<string, Ore>();
  const sequence = new Map<string, number>();
  const days = Math.round((plan.to - plan.from) / DAY_MS) + 1;
  let lines = 0;

  for (let day = 0; day < days; day++) {
    const date = new Date(plan.from + day * DAY_MS);
    const iso = date.toISOString().slice(0, 10);
    const voucher = (journalId: string, voucherType: string, description: string, voucherLines: SaftLine[]): SyntheticEntry => {
      const number = (sequence.get(journalId) ?? 0) + 1;
      sequence.set(journalId, number);
      const month = date.getUTCMonth() + 1;
      lines += voucherLines.length;
      return {
        journalId,
        transaction: {
          transactionId: `${journalId}-${iso.slice(0, 4)}-${String(number).padStart(6, '0')}`,
          period: ((month - plan.fiscalYearStartMonth + 12) % 12) + 1,
          periodYear: date.getUTCFullYear() - (month < plan.fiscalYearStartMonth ? 1 : 0),
          transactionDate: iso,
          voucherType,
          voucherDescription: description,
          description: `${description} ${number}`,
          systemEntryDate: iso,
          glPostingDate: iso,
          lines: voucherLines.map((line, i) => ({ ...line, recordId: String(i + 1), valueDate: iso })),
        },
      };
    };
    const weekday = date.getUTCDay();
    if (date.getUTCDate() === 25) yield voucher('LONN', 'Lønn', 'Lønnskjøring', payroll(random, plan.employees));
    if (weekday === 0 || weekday === 6) continue;

    const quota = Math.round((plan.targetLines * (day + 1)) / days);
    while (lines < quota) {
      const roll = random();
      if (roll < 0.15) {
        const customer = pick(random, plan.customers);
        const owed = open.get(`C${customer.id}`) ?? 0;
        if (owed > 0) {
          open.set(`C${customer.id}`, 0);
          yield voucher('BANK', 'Innbetaling', 'Innbetaling fra kunde', [
            line(BANK, 'Innbetaling', { debitAmount: owed }),
            line(RECEIVABLES, `Innbetaling ${customer.name}`, { creditAmount: owed, customerId: customer.id }),
          ]);
          continue;
        }
      } else if (roll < 0.25) {
        const supplier = pick(random, plan.suppliers);
        const owed = open.get(`S${supplier.id}`) ?? 0;
        if (owed > 0) {
          open.set(`S${supplier.id}`, 0);
          yield voucher('BANK', 'Utbetaling', 'Betaling til leverandør', [
            line(PAYABLES, `Betaling ${supplier.name}`, { debitAmount: owed, supplierId: supplier.id }),
            line(BANK, 'Utbetaling', { creditAmount: owed }),
          ]);
          continue;
        }
      } else if (roll < 0.28) {
        const fee = between(random, 20, 400) * 100;
        yield voucher('BANK', 'Bank', 'Bankgebyr', [
          line('7770', 'Bankgebyr', { debitAmount: fee, analysis: [department('100')] }),
          line(BANK, 'Bankgebyr', { creditAmount: fee }),
        ]);
        continue;
      }
      if (roll < 0.65) {
        const customer = pick(random, plan.customers);
        const sale = salesInvoice(random, customer);
        open.set(`C${customer.id}`, (open.get(`C${customer.id}`) ?? 0) + sale.gross);
        yield voucher('SALG', 'Salgsfaktura', 'Salgsfaktura', sale.lines);
      } else {
        const supplier = pick(random, plan.suppliers);
        const purchase = purchaseInvoice(random, supplier);
        open.set(`S${supplier.id}`, (open.get(`S${supplier.id}`) ?? 0) + purchase.gross);
        yield voucher('KJOP', 'Inngående faktura', 'Inngående faktura', purchase.lines);
      }
    }
  }
}

function line(accountId: string, description: string, fields: Partial<SaftLine>): SaftLine {
  return { recordId: '', accountId, description, taxInformation: [], analysis: [], ...fields };
}

function department(id: string): SaftLineAnalysis {
  return { type: 'A', id };
}

/** VAT in øre, rounded to the nearest øre as invoices do. */
function vatOf(net: Ore, percentage: number): Ore {
  return Math.round((net * percentage) / 100);
}

function salesInvoice(random: () => number, customer: SaftParty): { gross: Ore; lines: SaftLine[] } {
  const net = between(random, 500, 80_000) * 100 + between(random, 0, 99);
  const invoice = String(between(random, 100000, 999999));
  const kind = random();
  if (kind < 0.15) {
    // VAT-exempt sale: a tax line with rate 0 documents the exemption.
    return {
      gross: net,
      lines: [
        line(RECEIVABLES, `Faktura ${invoice}`, { debitAmount: net, customerId: customer.id, referenceNumber: invoice }),
        line('3100', 'Salg, avgiftsfritt', {
          creditAmount: net,
          taxInformation: [{ taxType: 'MVA', taxCode: '5', taxPercentage: 0, taxBase: net, creditTaxAmount: 0 }],
          referenceNumber: invoice,
        }),
      ],
    };
  }
  const [taxCode, percentage] = kind < 0.35 ? ['31', 15] : ['3', 25];
  const vat = vatOf(net, percentage);
  return {
    gross: net + vat,
    lines: [
      line(RECEIVABLES, `Faktura ${invoice}`, { debitAmount: net + vat, customerId: customer.id, referenceNumber: invoice }),
      line('3000', 'Salg av varer og tjenester', {
        creditAmount: net,
        taxInformation: [{ taxType: 'MVA', taxCode, taxPercentage: percentage, taxBase: net, creditTaxAmount: vat }],
        analysis: [department('200')],
        referenceNumber: invoice,
      }),
      line('2700', `Utgående MVA ${percentage} %`, { creditAmount: vat, referenceNumber: invoice }),
    ],
  };
}

function purchaseInvoice(random: () => number, supplier: SaftParty): { gross: Ore; lines: SaftLine[] } {
  const kind = random();
  const invoice = String(between(random, 100000, 999999));
  if (kind < 0.08) {
    // Rent of business premises is outside VAT unless the landlord opted in.
    const rent = between(random, 150, 600) * 10_000;
    return {
      gross: rent,
      lines: [
        line('6300', 'Husleie', { debitAmount: rent, analysis: [department('100')], referenceNumber: invoice }),
        line(PAYABLES, `Faktura ${invoice}`, { creditAmount: rent, supplierId: supplier.id, referenceNumber: invoice }),
      ],
    };
  }
  const [accountId, description, departmentId] =
    kind < 0.7 ? ['4000', 'Varekjøp', '300'] : kind < 0.85 ? ['6800', 'Kontorrekvisita', '100'] : ['6700', 'Regnskapshonorar', '100'];
  const net = between(random, 200, 40_000) * 100 + between(random, 0, 99);
  const vat = vatOf(net, 25);
  return {
    gross: net + vat,
    lines: [
      line(accountId, description, {
        debitAmount: net,
        taxInformation: [{ taxType: 'MVA', taxCode: '1', taxPercentage: 25, taxBase: net, debitTaxAmount: vat }],
        analysis: [department(departmentId)],
        referenceNumber: invoice,
      }),
      line('2710', 'Inngående MVA 25 %', { debitAmount: vat, referenceNumber: invoice }),
      line(PAYABLES, `Faktura ${invoice}`, { creditAmount: net + vat, supplierId: supplier.id, referenceNumber: invoice }),
    ],
  };
}

/** Monthly payroll: net pay from the bank, tax withheld, employer's contribution at 14.1 %. */
function payroll(random: () => number, employees: number): SaftLine[] {
  let gross = 0;
  for (let i = 0; i < employees; i++) gross += between(random, 35_000, 75_000) * 100;
  const withheld = Math.round(gross * 0.33);
  const contribution = Math.round(gross * 0.141);
  return [
    line('5000', 'Lønn', { debitAmount: gross, analysis: [department('100')] }),
    line('2600', 'Forskuddstrekk', { creditAmount: withheld }),
    line(BANK, 'Utbetalt lønn', { creditAmount: gross - withheld }),
    line('5400', 'Arbeidsgiveravgift', { debitAmount: contribution, analysis: [department('100')] }),
    line('2770', 'Skyldig arbeidsgiveravgift', { creditAmount: contribution }),
  ];
}

/**
 * The synthetic books as a writer source. A first pass over the vouchers
 * computes closing balances and control totals (opening balances are zero);
 * the writer's pass then regenerates them, journal by journal, from the seed.
 */
export async function syntheticSaftSource(options: SyntheticBooksOptions): Promise<SaftSource> {
  const books = syntheticBooks(options);
  const accountMovements = new Map<string, Ore>();
  const partyMovements = new Map<string, Ore>();
  const entryTotals = { numberOfEntries: 0, totalDebit: 0, totalCredit: 0 };
  for await (const { transaction } of books.entries()) {
    entryTotals.numberOfEntries++;
    for (const l of transaction.lines) {
      entryTotals.totalDebit += l.debitAmount ?? 0;
      entryTotals.totalCredit += l.creditAmount ?? 0;
      accountMovements.set(l.accountId, (accountMovements.get(l.accountId) ?? 0) + lineNet(l));
      const party = l.customerId !== undefined ? `C${l.customerId}` : l.supplierId !== undefined ? `S${l.supplierId}` : undefined;
      if (party) partyMovements.set(party, (partyMovements.get(party) ?? 0) + lineNet(l));
    }
  }
  const withClosing = (prefix: string) => (party: SaftParty): SaftParty => ({
    ...party,
    balanceAccounts: party.balanceAccounts.map((b) => ({ ...b, closingBalance: partyMovements.get(`${prefix}${party.id}`) ?? 0 })),
  });
  return {
    header: books.header,
    accounts: books.accounts.map((a) => ({ ...a, closingBalance: accountMovements.get(a.accountId) ?? 0 })),
    customers: books.customers.map(withClosing('C')),
    suppliers: books.suppliers.map(withClosing('S')),
    taxCodes: books.taxCodes,
    analysisTypes: books.analysisTypes,
    journals: books.journals,
    entryTotals,
    async *transactions(journalId) {
      for await (const entry of books.entries()) if (entry.journalId === journalId) yield entry.transaction;
    },
  };
}

/** Writes the synthetic books as one SAF-T 1.30 file. */
export async function writeSyntheticSaftFile(path: string, options: SyntheticBooksOptions): Promise<SaftWriteSummary> {
  return writeSaft(fs.createWriteStream(path), await syntheticSaftSource(options));
}
