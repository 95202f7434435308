import type { DataSource } from 'typeorm';
import type { TokenService } from '../auth/jwt';
import { Viewer } from '../auth/viewer';
import type { ApiKeyService } from './api-keys.service';
import { looksLikeApiKey } from './secrets';

/** What telling who a bearer token is needs: the JWT verifier, and the API keys. */
export interface BearerDeps {
  dataSource: DataSource;
  tokens: TokenService;
  apiKeys: Pick<ApiKeyService, 'authenticate'>;
}

/**
 * Who a bearer token is, wherever a bearer token is accepted (GraphQL, document, package and export downloads): an API
 * key by its fixed prefix (`kak_`), else a JWT. Null for a bad, unknown, revoked or expired one.
 */
export async function viewerOfBearer(deps: BearerDeps, token: string): Promise<Viewer | null> {
  if (looksLikeApiKey(token)) {
    const check = await deps.apiKeys.authenticate(token);
    return 'viewer' in check ? check.viewer : null;
  }
  const userId = await deps.tokens.verify(token);
  return userId ? Viewer.load(deps.dataSource, userId) : null;
}
