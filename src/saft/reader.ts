import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { SaftFormatError } from './errors';
import { SaftMasterData } from './master-data';
import { MAX_ELEMENT_DEPTH, MAX_TEXT_CHARS, PieceLimit } from './reader-limits';
import {
  formatAmount,
  transactionTotals,
  type SaftAccount,
  type SaftAnalysisTypeEntry,
  type SaftCounts,
  type SaftCustomer,
  type SaftHeader,
  type SaftJournal,
  type SaftSupplier,
  type SaftTaxCode,
  type SaftTransaction,
} from './model';
import {
  mapAccount,
  mapAnalysisTypeEntry,
  mapHeader,
  mapJournal,
  mapParty,
  mapTaxTableEntry,
  mapTransaction,
} from './record-mapping';
import { canScanAfter, PlainXmlScanner, resumeSaxes, type PlainXmlEvents } from './plain-xml-scanner';
import { Utf8Text } from './utf8-text';
import { amountText, failAt, integerText, requiredText, type XmlNode } from './xml-node';

export const SAFT_NAMESPACE = 'urn:StandardAuditFile-Taxation-Financial:NO';

export type SaftVersion = '1.10' | '1.20' | '1.30';

/**
 * Receives the records of a file in file order. The reader awaits each call
 * and reads no further input meanwhile, so a slow sink (a database) paces it.
 */
export interface SaftSink {
  header(header: SaftHeader, version: SaftVersion): Promise<void>;
  account(account: SaftAccount): Promise<void>;
  customer(customer: SaftCustomer): Promise<void>;
  supplier(supplier: SaftSupplier): Promise<void>;
  taxCode(taxCode: SaftTaxCode): Promise<void>;
  analysisType(entry: SaftAnalysisTypeEntry): Promise<void>;
  journal(journal: SaftJournal): Promise<void>;
  transaction(transaction: SaftTransaction, journalId: string): Promise<void>;
}

export interface SaftReadOptions {
  /** When given, the header's company organisation number must equal it. */
  expectedOrganizationNumber?: string;
  /**
   * Whether the plain scanner reads what it can of the file (the default), saxes the rest; false: saxes reads it all.
   * Both read every file alike; false is there to compare them.
   */
  plainScanner?: boolean;
}

export interface SaftReadSummary extends SaftCounts {
  version: SaftVersion;
  /** Accounts whose grouping was derived from the account number (files before 1.30). */
  derivedGroupingAccountIds: string[];
}

/**
 * The `AuditFileVersion` values accepted. The official 1.10 example file says
 * `1.0`: the 1.0 and 1.10 layouts are the same for everything read here.
 */
const VERSIONS: ReadonlyMap<string, SaftVersion> = new Map([
  ['1.0', '1.10'],
  ['1.10', '1.10'],
  ['1.20', '1.20'],
  ['1.30', '1.30'],
]);

/** Elements read as one record, by path from the root, with what to do with it. */
type RecordKind =
  | 'header'
  | 'account'
  | 'customer'
  | 'supplier'
  | 'taxTableEntry'
  | 'analysisTypeEntry'
  | 'entryTotal'
  | 'journalField'
  | 'transaction';

const RECORDS: ReadonlyMap<string, RecordKind> = new Map([
  ['AuditFile/Header', 'header'],
  ['AuditFile/MasterFiles/GeneralLedgerAccounts/Account', 'account'],
  ['AuditFile/MasterFiles/Customers/Customer', 'customer'],
  ['AuditFile/MasterFiles/Suppliers/Supplier', 'supplier'],
  ['AuditFile/MasterFiles/TaxTable/TaxTableEntry', 'taxTableEntry'],
  ['AuditFile/MasterFiles/AnalysisTypeTable/AnalysisTypeTableEntry', 'analysisTypeEntry'],
  ['AuditFile/GeneralLedgerEntries/NumberOfEntries', 'entryTotal'],
  ['AuditFile/GeneralLedgerEntries/TotalDebit', 'entryTotal'],
  ['AuditFile/GeneralLedgerEntries/TotalCredit', 'entryTotal'],
  ['AuditFile/GeneralLedgerEntries/Journal/JournalID', 'journalField'],
  ['AuditFile/GeneralLedgerEntries/Journal/Description', 'journalField'],
  ['AuditFile/GeneralLedgerEntries/Journal/Type', 'journalField'],
  ['AuditFile/GeneralLedgerEntries/Journal/Transaction', 'transaction'],
]);

/** The children of an element without any, shared: most elements are leaves, and an array each would be garbage. */
const NO_CHILDREN: XmlNode[] = Object.freeze([]) as unknown as XmlNode[];

/** What the parser hands over to the asynchronous part, in file order. */
type ReadEvent =
  | { kind: RecordKind; node: XmlNode }
  | { kind: 'journalStart' | 'journalEnd' | 'entriesEnd'; node: XmlNode };

/**
 * Reads a SAF-T Financial file (1.10, 1.20 or 1.30) as a stream, maps it to
 * the 1.30 model and hands every record to the sink. Only one record is held
 * at a time; besides the master data identifiers, the only thing that grows
 * with the file is the set of transaction IDs (see `SaftFileState`). Elements
 * nest at most `MAX_ELEMENT_DEPTH` deep and no text or tag is longer than
 * `MAX_TEXT_CHARS`, so neither time nor memory depends on one element's size.
 * Throws `SaftFormatError` on the first problem, with its line and column.
 */
export async function readSaft(
  input: Readable,
  sink: SaftSink,
  options: SaftReadOptions = {},
): Promise<SaftReadSummary> {
  const state = new SaftFileState(sink, options);
  const events: ReadEvent[] = [];
  const { parser, limit, handlers } = eventParser(events);
  const utf8 = new Utf8Text();
  /**
   * saxes reads the file up to the root's start tag; from there the plain scanner reads what it can and hands the
   * rest to saxes where it stops (`scanning` false again). `undefined` until the root's start tag is read.
   */
  let scanner: PlainXmlScanner | undefined;
  let scanning = options.plainScanner ?? true;
  const handOver = (rest: string): string => {
    resumeSaxes(parser, scanner!);
    // After a text saxes would have handed it over at the `<` that follows, one character on.
    const { position } = scanner!.at;
    limit.resumeAt(position, scanner!.afterText ? position + 1 : position);
    scanning = false;
    return rest;
  };
  // The text is parsed synchronously into records, which are then awaited one
  // by one before more is parsed and the next chunk is pulled: the input stays
  // paused while the sink works, and at most one chunk's worth of records is queued.
  const parse = async (text: string): Promise<void> => {
    for (let at = 0; at < text.length; ) {
      if (scanning && scanner) {
        const rest = scanner.write(at === 0 ? text : text.slice(at));
        await state.handle(events);
        if (rest === undefined) return;
        text = handOver(rest);
        at = 0;
        continue;
      }
      if (scanning) {
        // Up to the root's start tag saxes is given one `>` at a time, so that it stops right after that tag.
        const gt = text.indexOf('>', at);
        at = limit.write(text, at, gt < 0 ? text.length : gt + 1);
        await state.handle(events);
        const { tags, closedRoot } = parser as unknown as { tags: Array<{ name: string }>; closedRoot: boolean };
        if (tags.length > 0) {
          if (canScanAfter(parser)) {
            scanner = new PlainXmlScanner(handlers, tags[0].name, { position: limit.position, line: parser.line, column: parser.column });
          } else scanning = false;
        } else if (closedRoot) scanning = false;
        continue;
      }
      at = limit.write(text, at);
      await state.handle(events);
    }
  };
  const decodeAndParse = async (chunk: unknown, last: boolean): Promise<void> => {
    if (typeof chunk === 'string') return parse(chunk);
    const { text, valid } = utf8.decode(chunk as Uint8Array, last);
    await parse(text);
    // What the scanner holds at the end goes to saxes, which then stands where the text ends.
    if ((last || !valid) && scanning && scanner) await parse(handOver(scanner.takeCarried()));
    // Parsed up to the first invalid byte, so the parser is where that byte is.
    if (!valid) throw new SaftFormatError(parser.line, parser.column + 1, 'the file is not valid UTF-8');
  };
  // Where the file ends, taken before closing: the parser starts over at line 1 when it closes.
  let end = { line: 1, column: 1 };
  try {
    for await (const chunk of input) await decodeAndParse(chunk, false);
    await decodeAndParse(new Uint8Array(0), true);
    end = { line: parser.line, column: parser.column + 1 };
    parser.close();
    await state.handle(events);
  } catch (error) {
    // Records completed before the problem are checked first: the refusal names
    // the file's first problem, wherever the input's chunks happen to end.
    if (error instanceof SaftFormatError) await state.handle(events);
    throw error;
  }
  return state.summary(end.line, end.column);
}

/**
 * A namespace-aware parser that builds one record at a time and queues it as
 * an event, and the limit it is written through.
 *
 * saxes keeps each handler as a property of the parser: with more than six of
 * them set, V8 turns the parser into a dictionary-mode object and parsing gets
 * some three times slower. Hence six handlers, and the depth is checked when a
 * tag is complete rather than when it starts.
 */
function eventParser(events: ReadEvent[]): { parser: SaxesParser; limit: PieceLimit; handlers: PlainXmlEvents } {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const path: string[] = [];
  /** The open elements of the record being built, outermost first. */
  const building: XmlNode[] = [];
  const limit = new PieceLimit(parser, MAX_TEXT_CHARS, () => path[path.length - 1]);

  const appendText = (text: string) => {
    const node = building[building.length - 1];
    if (!node) return;
    // Text may come in several pieces (around comments or CDATA sections), each within the limit.
    if (node.leadingSpace + node.text.length + text.length > MAX_TEXT_CHARS) {
      failAt(node, `the text of ${node.name} is longer than ${MAX_TEXT_CHARS} characters (the limit)`);
    }
    // White space before any other text is trimmed off in the end: only counted (an element's children are indented).
    if (node.text.length === 0 && text.trim().length === 0) node.leadingSpace += text.length;
    else node.text += text;
  };
  /** A start tag read, `line` and `column` where it ends. */
  const open = (local: string, name: string, uri: string, line: number, column: number) => {
    // Built field by field: one element is one allocation of one shape.
    const node: XmlNode = { name: local, text: '', children: NO_CHILDREN, line, column, leadingSpace: 0 };
    if (path.length >= MAX_ELEMENT_DEPTH) {
      failAt(node, `${name} is nested ${path.length + 1} elements deep, more than ${MAX_ELEMENT_DEPTH} (the limit)`);
    }
    if (uri !== SAFT_NAMESPACE) {
      failAt(node, `element ${name} is not in the namespace ${SAFT_NAMESPACE}`);
    }
    // A file without any element is refused by the parser itself (no root element).
    if (path.length === 0 && local !== 'AuditFile') failAt(node, `the root element is ${local}, not AuditFile`);
    path.push(local);
    if (building.length > 0) {
      const parent = building[building.length - 1];
      if (parent.children === NO_CHILDREN) parent.children = [node];
      else parent.children.push(node);
      building.push(node);
      return;
    }
    const joined = path.join('/');
    if (RECORDS.has(joined)) building.push(node);
    else if (joined === 'AuditFile/GeneralLedgerEntries/Journal') events.push({ kind: 'journalStart', node });
  };
  const close = (line: number, column: number) => {
    const node = building.pop();
    if (node) {
      node.text = node.text.trim();
      if (building.length === 0) events.push({ kind: RECORDS.get(path.join('/'))!, node });
    } else {
      const joined = path.join('/');
      const closed: XmlNode = { name: path[path.length - 1], text: '', children: NO_CHILDREN, line, column, leadingSpace: 0 };
      if (joined === 'AuditFile/GeneralLedgerEntries/Journal') events.push({ kind: 'journalEnd', node: closed });
      else if (joined === 'AuditFile/GeneralLedgerEntries') events.push({ kind: 'entriesEnd', node: closed });
    }
    path.pop();
  };
  // The namespace's own string when it is SAF-T's: compared with it once per element, as the same string that takes no time.
  const plainUri = () => {
    const resolved = parser.resolve('') ?? '';
    return resolved === SAFT_NAMESPACE ? SAFT_NAMESPACE : resolved;
  };
  let uri: string | undefined;
  const handlers: PlainXmlEvents = {
    // Elements the scanner reads have no prefix and no attributes: they are in the root's default namespace.
    open: (name, line, column) => open(name, name, (uri ??= plainUri()), line, column),
    text: appendText,
    close,
  };

  parser.on('error', (error) => {
    const reason = error.message.replace(/^(?:[^:]*:)?\d+:\d+: /, '');
    throw new SaftFormatError(parser.line, parser.column + 1, `not well-formed XML: ${reason}`);
  });
  parser.on('opentag', (tag) => {
    limit.handedOver();
    open(tag.local, tag.name, tag.uri, parser.line, parser.column + 1);
  });
  const saxesText = (text: string) => {
    limit.handedOver();
    appendText(text);
  };
  parser.on('text', saxesText);
  parser.on('cdata', saxesText);
  // A processing instruction or DOCTYPE (rare in SAF-T) counts with what follows it.
  parser.on('comment', () => limit.handedOver());
  parser.on('closetag', () => {
    limit.handedOver();
    close(parser.line, parser.column + 1);
  });
  return { parser, limit, handlers };
}

/** The checks and counters of one file being read. */
class SaftFileState {
  private version: SaftVersion | undefined;
  private readonly masterData = new SaftMasterData();
  /**
   * Every TransactionID read, to refuse duplicates. This is the one structure
   * that grows with the file: roughly 60–100 bytes per voucher (a short string
   * in a Set), i.e. some 100 MB for a million vouchers.
   */
  private readonly transactionIds = new Set<string>();
  private readonly declared = new Map<string, XmlNode>();
  private journalNode: XmlNode | undefined;
  private journalFields: XmlNode[] = [];
  private journalId: string | undefined;
  private readonly counts = { accounts: 0, customers: 0, suppliers: 0, transactions: 0, lines: 0 };
  private totalDebit = 0;
  private totalCredit = 0;
  private readonly derivedGroupingAccountIds: string[] = [];

  constructor(
    private readonly sink: SaftSink,
    private readonly options: SaftReadOptions,
  ) {}

  /** Takes the queued events in order, emptying the queue. */
  async handle(events: ReadEvent[]): Promise<void> {
    for (const event of events.splice(0)) await this.handleEvent(event);
  }

  private async handleEvent({ kind, node }: ReadEvent): Promise<void> {
    if (kind !== 'header' && this.version === undefined) failAt(node, `${node.name} comes before the Header`);
    switch (kind) {
      case 'header':
        return this.header(node);
      case 'account': {
        const account = mapAccount(node);
        this.masterData.accountIds.add(detached(account.accountId));
        this.counts.accounts++;
        if (account.groupingDerived) this.derivedGroupingAccountIds.push(account.accountId);
        return this.sink.account(account);
      }
      case 'customer': {
        const customer = mapParty(node, 'CustomerID');
        this.masterData.customerIds.add(detached(customer.id));
        this.counts.customers++;
        return this.sink.customer(customer);
      }
      case 'supplier': {
        const supplier = mapParty(node, 'SupplierID');
        this.masterData.supplierIds.add(detached(supplier.id));
        this.counts.suppliers++;
        return this.sink.supplier(supplier);
      }
      case 'taxTableEntry':
        for (const taxCode of mapTaxTableEntry(node)) {
          this.masterData.taxCodes.add(detached(taxCode.code));
          await this.sink.taxCode(taxCode);
        }
        return;
      case 'analysisTypeEntry': {
        const entry = mapAnalysisTypeEntry(node);
        this.masterData.addAnalysis(entry);
        return this.sink.analysisType(entry);
      }
      case 'entryTotal':
        this.declared.set(node.name, node);
        return;
      case 'journalStart':
        this.journalNode = node;
        this.journalFields = [];
        this.journalId = undefined;
        return;
      case 'journalField':
        this.journalFields.push(node);
        return;
      case 'transaction':
        await this.startJournal();
        return this.transaction(node);
      case 'journalEnd':
        return this.startJournal();
      case 'entriesEnd':
        return this.checkEntryTotals(node);
    }
  }

  private async header(node: XmlNode): Promise<void> {
    const declaredVersion = requiredText(node, 'AuditFileVersion');
    const version = VERSIONS.get(declaredVersion);
    if (!version) {
      failAt(node, `AuditFileVersion ${declaredVersion} is not supported (accepted: 1.10, 1.20, 1.30)`);
    }
    const header = mapHeader(node);
    const expected = this.options.expectedOrganizationNumber;
    if (expected !== undefined && header.company.registrationNumber !== expected) {
      failAt(
        node,
        `the file is for organisation number ${header.company.registrationNumber}, expected ${expected}`,
      );
    }
    this.version = version;
    await this.sink.header(header, version);
  }

  /** A journal is handed over once its own fields are read, before its first transaction. */
  private async startJournal(): Promise<void> {
    if (this.journalId !== undefined || !this.journalNode) return;
    const journal = mapJournal({ ...this.journalNode, children: this.journalFields });
    this.journalId = journal.id;
    await this.sink.journal(journal);
  }

  private async transaction(node: XmlNode): Promise<void> {
    const transaction = mapTransaction(node);
    const id = transaction.transactionId;
    if (this.transactionIds.has(id)) failAt(node, `TransactionID ${id} occurs more than once`);
    this.transactionIds.add(detached(id));
    const { debit, credit } = transactionTotals(transaction);
    if (debit !== credit) {
      failAt(
        node,
        `transaction ${id} does not balance: debit ${formatAmount(debit)}, credit ${formatAmount(credit)}`,
      );
    }
    transaction.lines.forEach((line, index) => {
      const problem = this.masterData.unresolvedReference(line);
      if (problem) failAt(node.children.filter((c) => c.name === 'Line')[index], `transaction ${id}: ${problem}`);
    });
    this.counts.transactions++;
    this.counts.lines += transaction.lines.length;
    this.totalDebit += debit;
    this.totalCredit += credit;
    await this.sink.transaction(transaction, this.journalId!);
  }

  private checkEntryTotals(end: XmlNode): void {
    const number = this.declared.get('NumberOfEntries') ?? failAt(end, 'GeneralLedgerEntries lacks NumberOfEntries');
    if (integerText(number) !== this.counts.transactions) {
      failAt(number, `NumberOfEntries is ${number.text} but the file has ${this.counts.transactions} transactions`);
    }
    for (const [name, read] of [
      ['TotalDebit', this.totalDebit],
      ['TotalCredit', this.totalCredit],
    ] as const) {
      const total = this.declared.get(name) ?? failAt(end, `GeneralLedgerEntries lacks ${name}`);
      if (amountText(total) !== read) {
        failAt(total, `${name} is ${total.text} but the lines sum to ${formatAmount(read)}`);
      }
    }
  }

  summary(line: number, column: number): SaftReadSummary {
    if (!this.version) throw new SaftFormatError(line, column, 'the file has no Header');
    return {
      version: this.version,
      ...this.counts,
      totalDebit: this.totalDebit,
      totalCredit: this.totalCredit,
      derivedGroupingAccountIds: this.derivedGroupingAccountIds,
    };
  }
}

/**
 * A copy of a string that shares no memory with the parsed chunk. Text the
 * parser cuts out of a chunk can be a V8 "sliced string" that keeps the whole
 * chunk (64 KiB) alive; keeping such IDs in a Set for the whole file would
 * hold on to the entire file.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
