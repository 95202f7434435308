/** SAF-T Financial (Norwegian "SAF-T Regnskap"): model, reading and writing. */
export * from './model';
export { SaftFormatError, SaftIntegrityError } from './errors';
export { deriveGrouping, isKnownGrouping, isKnownStandardTaxCode, type Grouping } from './grouping';
export {
  readSaft,
  SAFT_NAMESPACE,
  type SaftReadOptions,
  type SaftReadSummary,
  type SaftSink,
  type SaftVersion,
} from './reader';
export { writeSaft, type Many, type SaftSource, type SaftWriteSummary } from './writer';
