import { Field, ObjectType } from 'type-graphql';
import type { Page } from '../common/pages';
import { badUserInput } from './api-errors';

@ObjectType('PageInfo', { description: 'Where a page of a connection stands in the whole list.' })
export class PageInfo {
  @Field({ description: 'True when more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item on this page; pass it as `after` for the next page.' })
  endCursor!: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

/** Checks `first` (1..100, default 50) as the contract says. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}.`, { argument: 'first' });
  }
  return first;
}

/** A page as a Relay connection's fields; `totalCount` is a getter, so the count runs only when it is selected. */
export function toConnection<T>(page: Page<T>) {
  const edges = page.items.map((node) => ({ cursor: page.cursorOf(node), node }));
  return {
    edges,
    get totalCount() {
      return page.totalCount();
    },
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}
