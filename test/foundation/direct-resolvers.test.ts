import 'reflect-metadata';
import { execute, GraphQLSchema, isObjectType, parse } from 'graphql';
import { Arg, buildSchemaSync, Ctx, Field, FieldResolver, Info, Int, ObjectType, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import { resolverInstances, withDirectFieldResolvers } from '../../src/graphql/direct-resolvers';

/**
 * The direct field resolvers (compiled execution's schema) against type-graphql's own, on a small schema of this file:
 * each jest test file has its own module registry, so these classes never reach the API's schema. The API's own
 * documents are compared compiled against interpreted in compiled-execution.test.ts.
 */
@ObjectType('Shelf', { simpleResolvers: true })
class Shelf {
  @Field()
  label!: string;

  constructor(label = '') {
    this.label = label;
  }

  get shout(): string {
    return this.label.toUpperCase();
  }
}

const calls: Array<{ field: string; rootIsShelf: boolean; self: unknown }> = [];
let counted = 0;

@Resolver(() => Shelf)
class ShelfResolver {
  @Query(() => [Shelf])
  shelves(@Ctx() ctx: { plain: boolean }): unknown[] {
    // Plain objects are not Shelf instances: type-graphql converts them for a `@Root() shelf: Shelf` parameter.
    return ctx.plain ? [{ label: 'a' }, { label: 'b' }] : [new Shelf('a'), new Shelf('b')];
  }

  @FieldResolver(() => String)
  loud(@Root() shelf: Shelf): string {
    calls.push({ field: 'loud', rootIsShelf: shelf instanceof Shelf, self: this });
    return shelf.shout;
  }

  @FieldResolver(() => String)
  owner(@Root() shelf: Shelf, @Ctx() ctx: { owner: string }, @Info() info: { fieldName: string }): string {
    calls.push({ field: 'owner', rootIsShelf: shelf instanceof Shelf, self: this });
    return `${ctx.owner}:${shelf.label}:${info.fieldName}`;
  }

  @FieldResolver(() => String)
  later(@Ctx() ctx: { owner: string }, @Root() shelf: Shelf): Promise<string> {
    return Promise.resolve(`${shelf.label} for ${ctx.owner}`);
  }

  @FieldResolver(() => String)
  repeated(@Root() shelf: Shelf, @Arg('times', () => Int) times: number): string {
    return shelf.label.repeat(times);
  }

  @FieldResolver(() => Int)
  @UseMiddleware(async (_data, next) => {
    counted += 1;
    return next();
  })
  counted(@Root() shelf: Shelf): number {
    return shelf.label.length;
  }
}

const built = buildSchemaSync({ resolvers: [ShelfResolver], validate: false, container: resolverInstances });
const direct = withDirectFieldResolvers(built);
const QUERY = parse('{ shelves { label loud owner later repeated(times: 2) counted } }');

async function run(schema: GraphQLSchema, plain: boolean) {
  calls.length = 0;
  counted = 0;
  const result = await execute({ schema, document: QUERY, contextValue: { owner: 'kari', plain } });
  return { result, calls: [...calls], counted };
}

describe('direct field resolvers', () => {
  it('answer as type-graphql does, for roots that are instances and for plain ones it converts', async () => {
    for (const plain of [false, true]) {
      const reference = await run(built, plain);
      const fast = await run(direct, plain);
      expect(reference.result.errors).toBeUndefined();
      expect(fast.result).toEqual(reference.result);
      expect(fast.result.data).toEqual({
        shelves: [
          { label: 'a', loud: 'A', owner: 'kari:a:owner', later: 'a for kari', repeated: 'aa', counted: 1 },
          { label: 'b', loud: 'B', owner: 'kari:b:owner', later: 'b for kari', repeated: 'bb', counted: 1 },
        ],
      });
      // Each method still gets an instance of its root's class, on the one resolver instance type-graphql uses too.
      expect(fast.calls).toEqual(reference.calls);
      expect(fast.calls.every((call) => call.rootIsShelf && call.self === resolverInstances.get(ShelfResolver))).toBe(true);
      // The middleware still runs once per item: a resolver with middlewares keeps type-graphql's.
      expect(fast.counted).toBe(2);
    }
  });

  it('go direct only where nothing but @Root, @Ctx and @Info is asked for, without middlewares', () => {
    const original = built.getType('Shelf');
    const copy = direct.getType('Shelf');
    if (!isObjectType(original) || !isObjectType(copy)) throw new Error('Shelf is an object type');
    const changed = Object.keys(copy.getFields()).filter((name) => copy.getFields()[name].resolve !== original.getFields()[name].resolve);
    expect(changed.sort()).toEqual(['later', 'loud', 'owner']);
    // The plain field has no resolver at all (simpleResolvers): graphql reads the property.
    expect(copy.getFields().label.resolve).toBeUndefined();
    // The schema given is left as it was.
    expect(direct).not.toBe(built);
  });
});
