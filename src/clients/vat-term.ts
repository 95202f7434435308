/**
 * How often a client reports VAT (mva-melding terms): every two months by default; monthly or yearly where the tax
 * authority has so decided. Set in the import file (`vatTerm`); the VAT specification is made per term.
 */
export enum VatTerm {
  BIMONTHLY = 'BIMONTHLY',
  MONTHLY = 'MONTHLY',
  YEARLY = 'YEARLY',
}

/** Months per term. Terms follow the calendar year: term 1 of a bi-monthly client is January and February. */
export const MONTHS_PER_TERM: Record<VatTerm, number> = { [VatTerm.BIMONTHLY]: 2, [VatTerm.MONTHLY]: 1, [VatTerm.YEARLY]: 12 };
