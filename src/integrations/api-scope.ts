/** What an API key may do (contract part `integrations`); each maps to what a partner user with the matching rights may do. */
export enum ApiScope {
  /** Read clients, previews and relationships: what any member of the partner sees. */
  CLIENTS_READ = 'CLIENTS_READ',
  /** End, update and cancel relationships; transfer and clear: as CLIENT_ADMIN. */
  RELATIONSHIPS_WRITE = 'RELATIONSHIPS_WRITE',
  /** Read the archive and download documents and packages: as ARCHIVE. */
  ARCHIVE_READ = 'ARCHIVE_READ',
  /** Upload documentation and create exports: as ARCHIVE. */
  ARCHIVE_WRITE = 'ARCHIVE_WRITE',
}

/** Who a request acts as when it carries an API key (rather than a user's token). */
export interface ApiKeyIdentity {
  id: string;
  partnerId: string;
  name: string;
  scopes: ApiScope[];
  createdByUserId: string | null;
}

/**
 * The user id a key acts under: not a plausible import id (src/common/ids.ts), so no import, token or person can ever
 * be this user, and rows that record who acted keep their foreign keys to `users`.
 */
export const apiKeyUserId = (keyId: string): string => `apikey:${keyId}`;

/** The name of the user a key acts as: what `endedBy`, the audit log and `viewer.user` show. */
export const apiKeyUserName = (keyName: string): string => `API key "${keyName}"`;
