/**
 * Generates a relationship's mandatory accounting data into the archive (DESIGN S3); the GENERATE_MANDATORY_DATA task
 * calls it. `SaftMandatoryDataGenerator` (`saft-generator.ts`) is the product's, built by `createRuntime`.
 *
 * Contract: idempotent — a second call for the same relationship (a retry, a worker killed half-way) must leave the
 * archive as one call would (atomic writes, no duplicate documents). Throw to fail the attempt; it is retried. A
 * DomainError's message is what the archive shows; any other error shows as an internal error with a reference to the
 * log line that has it.
 */
export interface MandatoryDataGenerator {
  generate(relationshipId: string): Promise<void>;
}
