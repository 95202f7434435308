import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import type { Page, PageRequest } from '../common/pages';
import { badUserInput } from './api-errors';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

@ObjectType('PageInfo', { simpleResolvers: true, description: 'Where a page of a connection stands in the whole list.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item on this page; pass it as `after` for the next page.' })
  endCursor!: string | null;

  @Field({ description: 'True when items come before this page: always when it was asked for with `after`.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item on this page; pass it as `before` (with `last`) for the page before.' })
  startCursor!: string | null;
}

/** The paging arguments every connection takes (Relay), described once. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size counted from the start or from \`after\`: 1-${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}). Not with \`last\`.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of the previous page (`endCursor`); the page starts after it.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page size counted back from the end or from \`before\`: 1-${MAX_PAGE_SIZE}. Not with \`first\`.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item of the next page (`startCursor`); the page ends before it.' })
  before?: string | null;
}

function checkedSize(value: number, argument: 'first' | 'last'): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    throw badUserInput(`${argument} must be between 1 and ${MAX_PAGE_SIZE}.`, { argument });
  }
  return value;
}

/** Checks `first` (1..100, default 50) as the contract says. */
export function pageSize(first: number | null | undefined): number {
  return first === null || first === undefined ? DEFAULT_PAGE_SIZE : checkedSize(first, 'first');
}

/**
 * The page asked for: `first`/`after` forward (the contract's), or `last`/`before` backward. Mixing the two directions
 * is refused rather than guessed at.
 */
export function pageRequest(args: PageArgs): PageRequest {
  const backward = (args.last ?? null) !== null || (args.before ?? null) !== null;
  if (backward) {
    if ((args.first ?? null) !== null || (args.after ?? null) !== null) {
      throw badUserInput('Page forward with first and after, or backward with last and before; not both.', { argument: args.first != null ? 'first' : 'after' });
    }
    return { size: args.last == null ? DEFAULT_PAGE_SIZE : checkedSize(args.last, 'last'), direction: 'backward', cursor: args.before ?? null };
  }
  return { size: pageSize(args.first), direction: 'forward', cursor: args.after ?? null };
}

/** A page as a Relay connection's fields; `totalCount` is a getter, so the count runs only when it is selected. */
export function toConnection<T>(page: Page<T>) {
  const edges = page.items.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    nodes: page.items,
    get totalCount() {
      return page.totalCount();
    },
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
  };
}
