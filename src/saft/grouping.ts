import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The official code lists this module needs (unchanged copies from the tax
 * administration's SAF-T repository, kept in `src/saft/codelists`):
 * næringsspesifikasjon groupings and the standard VAT codes.
 */

export interface Grouping {
  groupingCategory: string;
  groupingCode: string;
}

/**
 * Finds a code list file. Under ts-jest the code runs from `src/saft`, where
 * the lists sit next to it; compiled code runs from `dist/src/saft` and tsc
 * does not copy CSV files, so then we walk up to the project root (the folder
 * holding package.json) and use the copy under `src/saft/codelists`.
 */
function codeListPath(file: string): string {
  const beside = path.join(__dirname, 'codelists', file);
  if (fs.existsSync(beside)) return beside;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'src', 'saft', 'codelists', file);
    if (path.dirname(dir) === dir) throw new Error(`SAF-T code list ${file} not found from ${__dirname}`);
  }
}

/** Rows of a `;`-separated list without the header line (neither list quotes its fields). */
function readCodeList(file: string): string[][] {
  const text = fs.readFileSync(codeListPath(file), 'utf8').replace(/^\uFEFF/, '');
  return text
    .split(/\r?\n/)
    .slice(1)
    .filter((row) => row.trim() !== '')
    .map((row) => row.split(';'));
}

interface GroupingList {
  /** `category \0 code` of every row, for membership tests. */
  pairs: Set<string>;
  /** The plain 4-digit codes of the ordinary-business categories, by category, ascending. */
  numericCodesByCategory: Map<string, number[]>;
}

let groupingList: GroupingList | undefined;
let standardTaxCodes: Set<string> | undefined;

function groupings(): GroupingList {
  if (groupingList) return groupingList;
  const pairs = new Set<string>();
  const numericCodesByCategory = new Map<string, number[]>();
  for (const [category, , , code] of readCodeList('naeringsspesifikasjon.csv')) {
    pairs.add(`${category}\0${code}`);
    if (/^\d{4}$/.test(code)) {
      const codes = numericCodesByCategory.get(category) ?? [];
      codes.push(Number(code));
      numericCodesByCategory.set(category, codes);
    }
  }
  for (const codes of numericCodesByCategory.values()) codes.sort((a, b) => a - b);
  groupingList = { pairs, numericCodesByCategory };
  return groupingList;
}

export function isKnownGrouping(category: string, code: string): boolean {
  return groupings().pairs.has(`${category}\0${code}`);
}

/** A `StandardTaxCode` value is valid if it is in Standard_Tax_Codes.csv, or `NA` (no mapping possible). */
export function isKnownStandardTaxCode(code: string): boolean {
  standardTaxCodes ??= new Set(readCodeList('Standard_Tax_Codes.csv').map(([c]) => c));
  return code === 'NA' || standardTaxCodes.has(code);
}

/**
 * The NS 4102 account classes (by the account number's first two digits) and
 * the næringsspesifikasjon category each belongs to.
 */
const CATEGORY_BY_CLASS: ReadonlyArray<[from: number, to: number, category: string]> = [
  [10, 13, 'balanseverdiForAnleggsmiddel'],
  [14, 19, 'balanseverdiForOmloepsmiddel'],
  [20, 20, 'egenkapital'],
  [21, 22, 'langsiktigGjeld'],
  [23, 29, 'kortsiktigGjeld'],
  [30, 33, 'salgsinntekt'],
  [34, 39, 'annenDriftsinntekt'],
  [40, 49, 'varekostnad'],
  [50, 59, 'loennskostnad'],
  [60, 79, 'annenDriftskostnad'],
  [80, 80, 'finansinntekt'],
  [81, 82, 'finanskostnad'],
  [83, 87, 'skattekostnad'],
  [88, 89, 'resultatDisponeringForSAF-T'],
];

/**
 * Ordinary purchases of goods (NS 4102 40xx–44xx) go to 4005; the other 400x
 * codes are specific to the petroleum industry, so "nearest code" would
 * mislead there.
 */
const GOODS_PURCHASE = { from: 4000, to: 4499, code: 4005 };

/**
 * Derives a 1.30 grouping for an account of a file that has none (1.10/1.20).
 *
 * The number used is the first four digits of the account number, unless
 * the older file's `StandardAccountID` says otherwise: a 4-digit one replaces
 * it, a 2-digit one (an NS 4102 class such as `43`) replaces it with 4300 only
 * when the account number is not in that class already. Then:
 *  1. the NS 4102 class of the number (table above) gives the category;
 *  2. a code equal to the number is taken as is;
 *  3. purchases of goods 4000–4499 map to 4005;
 *  4. otherwise the nearest code in the same 2-digit group: the greatest code
 *     not above the number, else the group's smallest code (2700 → 2740);
 *  5. otherwise the same within the whole category (8900 → 8800).
 * Returns undefined when the number is not an NS 4102 account (below 1000,
 * 9xxx, not numeric).
 */
export function deriveGrouping(accountId: string, standardAccountId?: string): Grouping | undefined {
  const number = basisNumber(accountNumber(accountId), standardAccountId?.trim());
  if (number === undefined) return undefined;
  const accountClass = Math.floor(number / 100);
  const category = CATEGORY_BY_CLASS.find(([from, to]) => accountClass >= from && accountClass <= to)?.[2];
  const codes = category && groupings().numericCodesByCategory.get(category);
  if (!category || !codes) return undefined;
  const code =
    codes.find((c) => c === number) ??
    (number >= GOODS_PURCHASE.from && number <= GOODS_PURCHASE.to ? GOODS_PURCHASE.code : undefined) ??
    nearest(
      codes.filter((c) => Math.floor(c / 100) === accountClass),
      number,
    ) ??
    nearest(codes, number);
  return code === undefined ? undefined : { groupingCategory: category, groupingCode: String(code) };
}

/** The first four digits of a numeric account number of at least four digits. */
function accountNumber(id: string): number | undefined {
  const digits = id.trim();
  return /^\d{4,}$/.test(digits) ? Number(digits.slice(0, 4)) : undefined;
}

function basisNumber(account: number | undefined, standardAccountId: string | undefined): number | undefined {
  if (standardAccountId && /^\d{4}$/.test(standardAccountId)) return Number(standardAccountId);
  if (standardAccountId && /^\d{2}$/.test(standardAccountId)) {
    const standardClass = Number(standardAccountId);
    return account !== undefined && Math.floor(account / 100) === standardClass ? account : standardClass * 100;
  }
  return account;
}

/** The greatest code not above `number`, else the smallest one; codes are ascending. */
function nearest(codes: number[], number: number): number | undefined {
  const below = codes.filter((c) => c <= number);
  return below.length > 0 ? below[below.length - 1] : codes[0];
}
