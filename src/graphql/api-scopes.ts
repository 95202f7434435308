import type { ApolloServerPlugin } from '@apollo/server';
import { FragmentDefinitionNode, Kind, OperationDefinitionNode, SelectionSetNode } from 'graphql';
import { ApiScope } from '../integrations/api-scope';
import { apiError } from './api-errors';
import type { RequestContext } from './context';

/**
 * What an API key needs for each root field (docs/integrations.md). A field not named here is refused to every key —
 * new operations are closed to keys until someone decides which scope opens them. `null`: any key (what it then sees
 * is decided by the same visibility rules as for people: the key is a member of its partner only).
 */
export const ROOT_FIELD_SCOPES: Readonly<Record<string, readonly ApiScope[] | null>> = {
  viewer: null,
  node: null,
  nodes: null,
  __typename: null,
  __schema: null,
  __type: null,
  clients: [ApiScope.CLIENTS_READ],
  endCustomerRelationshipPreview: [ApiScope.CLIENTS_READ, ApiScope.RELATIONSHIPS_WRITE],
  archive: [ApiScope.ARCHIVE_READ],
  endCustomerRelationship: [ApiScope.RELATIONSHIPS_WRITE],
  updateEndedRelationship: [ApiScope.RELATIONSHIPS_WRITE],
  cancelRelationshipEnd: [ApiScope.RELATIONSHIPS_WRITE],
  transferSubscriptionAdmin: [ApiScope.RELATIONSHIPS_WRITE],
  clearUserDeactivation: [ApiScope.RELATIONSHIPS_WRITE],
  linkClientToPartner: [ApiScope.RELATIONSHIPS_WRITE],
  createArchiveUploads: [ApiScope.ARCHIVE_WRITE],
  completeArchiveUpload: [ApiScope.ARCHIVE_WRITE],
  createArchiveExport: [ApiScope.ARCHIVE_WRITE],
};

function rootFields(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFields(selection.selectionSet, fragments, seen);
    const name = selection.name.value;
    const fragment = fragments.get(name);
    if (!fragment || seen.has(name)) return [];
    seen.add(name);
    return rootFields(fragment.selectionSet, fragments, seen);
  });
}

/** The root field of the operation the key may not call, or null. */
export function fieldOutsideScopes(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>, scopes: readonly ApiScope[]): string | null {
  for (const field of rootFields(operation.selectionSet, fragments)) {
    const needs = ROOT_FIELD_SCOPES[field];
    if (needs === undefined) return field;
    if (needs !== null && !needs.some((scope) => scopes.includes(scope))) return field;
  }
  return null;
}

/** Refuses, before anything runs, an operation that asks an API key for more than its scopes: FORBIDDEN (HTTP 403). */
export function apiScopeGate(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const key = contextValue.viewer.apiKey;
      if (!key) return;
      return {
        async didResolveOperation({ operation, document }) {
          if (!operation) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
          const field = fieldOutsideScopes(operation, fragments, key.scopes);
          if (field) {
            const needs = ROOT_FIELD_SCOPES[field];
            throw apiError('FORBIDDEN', needs ? `The API key lacks the scope for ${field} (${needs.join(' or ')}).` : `${field} cannot be called with an API key.`, { http: { status: 403 } });
          }
        },
      };
    },
  };
}
