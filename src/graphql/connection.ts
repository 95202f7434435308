import { Field, ObjectType } from 'type-graphql';
import { badUserInput } from '../common/errors';

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

/** Opaque keyset cursor: base64url of the sort key of the last item. */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key inside a cursor; BAD_USER_INPUT when the cursor was not made by us. */
export function decodeCursor(cursor: string, shape: Array<'string' | 'number'>): Array<string | number> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((part, i) => typeof part === shape[i])) {
      return key as Array<string | number>;
    }
  } catch {
    // fall through
  }
  throw badUserInput('after is not a cursor from this list.', { argument: 'after' });
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  /** Counted only when the client asks for `totalCount`: on a large list the count costs more than the page. */
  totalCount: () => Promise<number>;
  cursorOf: (item: T) => string;
}

/** A page of nothing. */
export function emptyPage<T>(): Page<T> {
  return { items: [], hasNextPage: false, totalCount: async () => 0, cursorOf: () => '' };
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

/** `%` and `_` are wildcards in LIKE; a search term matches them literally. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
