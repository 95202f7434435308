/**
 * An error the product raises on purpose, with a message written for the people who will read it (a partner in the
 * archive, an operator in `npm run cli -- tasks`). Only such messages are stored where users see them; any other
 * error (a file system, SQL or programming error) may name paths, hosts or data, and stays in the logs.
 */
export class DomainError extends Error {
  override name = 'DomainError';
}
