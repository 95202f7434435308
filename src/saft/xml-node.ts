import { SaftFormatError } from './errors';
import { parseAmount, type Ore } from './model';

/**
 * A small element tree for one record of a SAF-T file (an account, a
 * customer, one transaction with its lines). The reader builds one record at
 * a time and drops it once mapped, so memory stays flat.
 */
export interface XmlNode {
  /** Local name; the namespace is checked when the element is read. */
  name: string;
  text: string;
  children: XmlNode[];
  /** Where the element starts in the file. */
  line: number;
  column: number;
  /** How many characters of white space came before the text (left out of `text`, which is trimmed once read). */
  leadingSpace: number;
}

export function child(node: XmlNode, name: string): XmlNode | undefined {
  return node.children.find((c) => c.name === name);
}

export function children(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((c) => c.name === name);
}

export function failAt(node: XmlNode, reason: string): never {
  throw new SaftFormatError(node.line, node.column, reason);
}

export function requiredChild(node: XmlNode, name: string): XmlNode {
  return child(node, name) ?? failAt(node, `${node.name} lacks the required element ${name}`);
}

export function optionalText(node: XmlNode, name: string): string | undefined {
  return child(node, name)?.text;
}

export function requiredText(node: XmlNode, name: string): string {
  return requiredChild(node, name).text;
}

export function amountText(node: XmlNode): Ore {
  try {
    return parseAmount(node.text);
  } catch {
    return failAt(node, `${node.name} is not an amount with at most 2 decimals: "${node.text}"`);
  }
}

export function decimalText(node: XmlNode): number {
  const value = Number(node.text);
  if (node.text === '' || !Number.isFinite(value)) failAt(node, `${node.name} is not a number: "${node.text}"`);
  return value;
}

export function integerText(node: XmlNode): number {
  if (!/^\d+$/.test(node.text)) failAt(node, `${node.name} is not a whole number: "${node.text}"`);
  return Number(node.text);
}

/** The `Amount` of an AmountStructure element such as `DebitAmount`. */
export function amountOf(node: XmlNode): Ore {
  return amountText(requiredChild(node, 'Amount'));
}

/**
 * A signed balance from a `<prefix>DebitBalance` / `<prefix>CreditBalance`
 * choice, e.g. prefix `Opening`.
 */
export function signedBalance(node: XmlNode, prefix: 'Opening' | 'Closing'): Ore {
  const debit = child(node, `${prefix}DebitBalance`);
  if (debit) return amountText(debit);
  const credit = child(node, `${prefix}CreditBalance`);
  if (credit) return -amountText(credit);
  return failAt(node, `${node.name} lacks ${prefix}DebitBalance or ${prefix}CreditBalance`);
}
