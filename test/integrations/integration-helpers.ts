import { toGlobalId } from '../../src/common/global-id';
import { smallWorld } from '../support/fixtures';
import { dataOf, TestApp } from '../support/test-app';

/** The small world, with INTEGRATIONS for Kari in Nordlys and Lars in Fjelltopp. */
export function integrationsWorld() {
  const world = smallWorld();
  for (const user of world.users) {
    for (const m of user.memberships as Array<{ partner: string; rights: string[] }>) {
      if ((user.id === 'u-kari' && m.partner === 'p-nordlys') || (user.id === 'u-lars' && m.partner === 'p-fjell')) m.rights.push('INTEGRATIONS');
    }
  }
  return world;
}

export const partnerId = (id: string) => toGlobalId('Partner', id);

export const CREATE_KEY = `mutation CreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { apiKey { id name scopes prefix createdAt createdBy { name } expiresAt lastUsedAt revokedAt partner { partnerCode } } secret userErrors { field code message } }
}`;
export const REVOKE_KEY = `mutation Revoke($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } userErrors { code } } }`;
export const CREATE_ENDPOINT = `mutation CreateEndpoint($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { id url events createdAt disabledAt } signingSecret userErrors { field code message } }
}`;

/** Creates a key as the user; returns its id and secret. */
export async function createKey(app: TestApp, as: string, partner: string, scopes: string[], extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const payload = dataOf(await app.gql(CREATE_KEY, { input: { partnerId: partnerId(partner), name: 'CRM sync', scopes, ...extra } }, as)).createApiKey;
  if (payload.userErrors.length) throw new Error(JSON.stringify(payload.userErrors));
  return { id: payload.apiKey.id, secret: payload.secret };
}

export const withKey = (secret: string) => ({ authorization: `Bearer ${secret}` });
