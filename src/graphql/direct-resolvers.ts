import { GraphQLFieldResolver, GraphQLSchema, isObjectType, lexicographicSortSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type ResolverClass = new () => object;

/**
 * One instance per resolver class, for type-graphql (the `container` option of the schema build) and for the direct
 * field resolvers below alike: both call the same objects. (type-graphql's own container finds an instance by a linear
 * search over every class, once per resolved field.)
 */
export const resolverInstances = {
  instances: new Map<Function, object>(),
  get(someClass: ResolverClass): object {
    let instance = this.instances.get(someClass);
    if (!instance) {
      instance = new someClass();
      this.instances.set(someClass, instance);
    }
    return instance;
  },
};

type Param = { kind: string; index: number; propertyName?: string; getType?: () => unknown };

/**
 * A copy of the schema whose field resolvers call their methods directly: `Client.name(@Root() client, @Ctx() ctx)` is
 * called as `method.call(instance, root, context)`. type-graphql's resolver around each method builds a data object,
 * sorts the method's parameter list and maps it, and looks the instance up, once per field of every item: on a page of
 * 50 clients with their users, about a thousand calls, a measurable share of the page's CPU once the operation itself is
 * compiled (compiled-execution.ts).
 *
 * Only what is the same either way goes direct: resolvers declared in a resolver class (`@Resolver(() => X)`) without
 * middlewares or roles (the API uses neither), whose parameters are only `@Root()`, `@Ctx()` and `@Info()` without a
 * property name. A root that is not already an instance of the parameter's class is handed to type-graphql's resolver,
 * which converts it as before. Everything else keeps type-graphql's resolver.
 */
export function withDirectFieldResolvers(schema: GraphQLSchema): GraphQLSchema {
  const copy = lexicographicSortSchema(schema);
  const storage = getMetadataStorage();
  const typeNames = new Map<Function, string>(storage.objectTypes.map((type) => [type.target, type.name]));
  for (const metadata of storage.fieldResolvers) {
    if (metadata.kind !== 'external' || metadata.middlewares?.length || metadata.roles || !metadata.getObjectType || !metadata.params) continue;
    const typeName = typeNames.get(metadata.getObjectType());
    const type = typeName ? copy.getType(typeName) : undefined;
    const field = isObjectType(type) ? type.getFields()[metadata.schemaName] : undefined;
    if (!field?.resolve) continue;
    const params = [...(metadata.params as Param[])].sort((a, b) => a.index - b.index);
    if (!params.every((param, position) => param.index === position && ['root', 'context', 'info'].includes(param.kind) && !param.propertyName)) continue;
    const method = (metadata.target.prototype as Record<string, unknown>)[metadata.methodName];
    if (typeof method !== 'function') continue;
    field.resolve = directResolver(method, resolverInstances.get(metadata.target as ResolverClass), params, field.resolve);
  }
  return copy;
}

function directResolver(method: Function, instance: object, params: Param[], original: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  const rootParam = params.find((param) => param.kind === 'root');
  // The class a root must be an instance of to go direct (type-graphql returns such a root as it is); null: any root.
  // The schema is built, so the parameter's type is known.
  const declared = rootParam?.getType?.();
  const rootClass = typeof declared === 'function' ? declared : null;
  const kinds = params.map((param) => param.kind).join(',');
  const goesDirect = (root: unknown) => !rootParam || root == null || rootClass === null || root instanceof rootClass;
  switch (kinds) {
    case 'root':
      return (root, args, context, info) => (goesDirect(root) ? method.call(instance, root) : original(root, args, context, info));
    case 'root,context':
      return (root, args, context, info) => (goesDirect(root) ? method.call(instance, root, context) : original(root, args, context, info));
    default:
      return (root, args, context, info) => {
        if (!goesDirect(root)) return original(root, args, context, info);
        const values = params.map((param) => (param.kind === 'root' ? root : param.kind === 'context' ? context : info));
        return method.apply(instance, values);
      };
  }
}
