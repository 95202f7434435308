import type { SaftAnalysisTypeEntry, SaftLine } from './model';

/**
 * The identifiers of the master data seen so far, to resolve the references of
 * transaction lines. The XSD declares these as key/keyref constraints, but its
 * XPaths lack the namespace prefix so no validator enforces them: we must.
 * Memory grows with the master data (accounts, parties, codes), never with the
 * number of transactions.
 */
export class SaftMasterData {
  readonly accountIds = new Set<string>();
  readonly customerIds = new Set<string>();
  readonly supplierIds = new Set<string>();
  readonly taxCodes = new Set<string>();
  private readonly analysisPairs = new Set<string>();

  addAnalysis(entry: SaftAnalysisTypeEntry): void {
    this.analysisPairs.add(analysisKey(entry.type, entry.id));
  }

  /** Why the line's references do not resolve, or undefined when they all do. */
  unresolvedReference(line: SaftLine): string | undefined {
    if (!this.accountIds.has(line.accountId)) return `AccountID ${line.accountId} is not in GeneralLedgerAccounts`;
    if (line.customerId !== undefined && line.supplierId !== undefined) {
      return 'a line may carry a CustomerID or a SupplierID, not both';
    }
    if (line.customerId !== undefined && !this.customerIds.has(line.customerId)) {
      return `CustomerID ${line.customerId} is not in Customers`;
    }
    if (line.supplierId !== undefined && !this.supplierIds.has(line.supplierId)) {
      return `SupplierID ${line.supplierId} is not in Suppliers`;
    }
    const unknownTax = line.taxInformation.find((tax) => !this.taxCodes.has(tax.taxCode));
    if (unknownTax) return `TaxCode ${unknownTax.taxCode} is not in TaxTable`;
    const unknownAnalysis = line.analysis.find((a) => !this.analysisPairs.has(analysisKey(a.type, a.id)));
    if (unknownAnalysis) {
      return `analysis ${unknownAnalysis.type}/${unknownAnalysis.id} is not in AnalysisTypeTable`;
    }
    return undefined;
  }
}

function analysisKey(type: string, id: string): string {
  return `${type}\0${id}`;
}
