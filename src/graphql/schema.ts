import { GraphQLSchema, isInterfaceType, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchemaSync, NonEmptyArray } from 'type-graphql';
import { ArchiveDocumentResolver, ArchiveResolver } from '../archive/archive.resolver';
import { ArchiveDocumentRetentionResolver } from '../archive/retention.resolver';
import { ArchiveExportResolver, ArchiveTransferMutations, ArchiveUploadResolver, RelationshipPackageResolver } from '../archive/transfers.resolver';
import { AuditEventResolver, ClientAuditResolver } from '../audit/audit.resolver';
import { ViewerResolver } from '../auth/viewer.resolver';
import { ClientRetentionMutations } from '../clients/client-retention.resolver';
import { ClientExtensionResolver, ClientResolver, ClientUserResolver } from '../clients/client.resolver';
import { ApiKeyResolver, IntegrationMutations, PartnerIntegrationsResolver, WebhookDeliveryResolver, WebhookEndpointResolver } from '../integrations/integrations.resolver';
import { NotificationMutations, NotificationResolver } from '../notifications/notification.resolver';
import { PartnerMembershipResolver, PartnerResolver, UserResolver } from '../partners/partner.resolver';
import { ClientRelationshipsResolver, CustomerRelationshipResolver } from '../relationships/relationship.resolver';
import { RelationshipMutations } from '../relationships/relationship.mutations';
import { ScheduledTaskResolver } from '../tasks/task.resolver';
import { MAX_PAGE_SIZE } from './connection';
import { LIMITS } from './limits';
import { nodeTypeName } from './node';
import { NodeResolver } from './node.resolver';
import { WarningResolver } from './user-errors';
import { DateTimeScalar } from './scalars';
import { resolverInstances } from './direct-resolvers';

/** Every resolver class of the API; feature folders add theirs here. */
export const RESOLVERS: NonEmptyArray<Function> = [
  ViewerResolver,
  NodeResolver,
  ClientResolver,
  ClientUserResolver,
  ClientExtensionResolver,
  PartnerResolver,
  PartnerMembershipResolver,
  UserResolver,
  CustomerRelationshipResolver,
  ArchiveResolver,
  ArchiveDocumentResolver,
  ArchiveDocumentRetentionResolver,
  ClientRetentionMutations,
  ArchiveTransferMutations,
  ArchiveUploadResolver,
  ArchiveExportResolver,
  RelationshipPackageResolver,
  NotificationResolver,
  NotificationMutations,
  RelationshipMutations,
  ClientAuditResolver,
  ClientRelationshipsResolver,
  AuditEventResolver,
  ScheduledTaskResolver,
  WarningResolver,
  IntegrationMutations,
  PartnerIntegrationsResolver,
  ApiKeyResolver,
  WebhookEndpointResolver,
  WebhookDeliveryResolver,
];

let built: GraphQLSchema | undefined;

/** type-graphql gives the root types no description; the schema file should say what they are. */
function describeRoots(schema: GraphQLSchema): GraphQLSchema {
  const describe = (type: { description?: string | null } | null | undefined, text: string) => {
    if (type) type.description = text;
  };
  describe(
    schema.getQueryType(),
    `What a partner or client user can read. A request may cost at most ${LIMITS.complexity.toLocaleString('en-US')} (one per field, per item; a ` +
      `connection counts its \`first\` or \`last\`, 1-${MAX_PAGE_SIZE}) and nest at most ${LIMITS.depth} deep; \`extensions.cost\` in every response says what it cost.`,
  );
  describe(schema.getMutationType(), 'What a partner or client user can change. Each takes one `input` and returns `userErrors`.');
  return schema;
}

/**
 * Node's type, told synchronously: type-graphql wraps every `resolveType` in an async function, which graphql-js awaits
 * but compiled execution (`compiled-execution.ts`, graphql-jit) does not; `nodeTypeName` needs no waiting.
 */
function withSyncNodeType(schema: GraphQLSchema): GraphQLSchema {
  const node = schema.getType('Node');
  if (isInterfaceType(node)) node.resolveType = (value) => nodeTypeName(value as object);
  return schema;
}

/** The API's schema, built once per process from the resolvers (validation on: type-graphql's default is off). */
export function apiSchema(): GraphQLSchema {
  built ??= withSyncNodeType(lexicographicSortSchema(
    describeRoots(
      buildSchemaSync({
        resolvers: RESOLVERS,
        validate: true,
        container: resolverInstances,
        scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
      }),
    ),
  ));
  return built;
}

/** The schema as committed in schema.graphql. */
export function printApiSchema(): string {
  return printSchema(apiSchema()) + '\n';
}
