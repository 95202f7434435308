import { BadInputError } from './domain-errors';

/** Opaque keyset cursor: base64url of the sort key of an item. */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key inside a cursor; bad input when the cursor was not made by us. */
export function decodeCursor(cursor: string, shape: Array<'string' | 'number'>, argument: 'after' | 'before' = 'after'): Array<string | number> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((part, i) => typeof part === shape[i])) {
      return key as Array<string | number>;
    }
  } catch {
    // fall through
  }
  throw new BadInputError(`${argument} is not a cursor from this list.`, { argument });
}

/**
 * Which page of a list a caller asks for, as Relay connections do: `first` items after the `after` cursor (forward, the
 * default), or the `last` items before the `before` cursor (backward). Services read it with `keysetPage`.
 */
export interface PageRequest {
  size: number;
  direction: 'forward' | 'backward';
  /** The cursor the page starts after (forward) or ends before (backward); null from the list's start or end. */
  cursor: string | null;
}

/** One page of a list, as services return it; `src/graphql/connection.ts` turns it into a Relay connection. */
export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counted only when the client asks for `totalCount`: on a large list the count costs more than the page. */
  totalCount: () => Promise<number>;
  cursorOf: (item: T) => string;
}

/**
 * A page from rows read in the direction asked for, one more than the page holds: forward in the list's order, backward
 * in the reverse order (nearest the cursor first). The extra row says whether more follow in that direction; a cursor
 * says that something lies on its other side.
 */
export function keysetPage<T>(request: PageRequest, rows: T[], cursorOf: (item: T) => string, totalCount: () => Promise<number>): Page<T> {
  const items = rows.slice(0, request.size);
  const more = rows.length > request.size;
  if (request.direction === 'backward') {
    return { items: items.reverse(), hasPreviousPage: more, hasNextPage: request.cursor !== null, totalCount, cursorOf };
  }
  return { items, hasNextPage: more, hasPreviousPage: request.cursor !== null, totalCount, cursorOf };
}

/** A page of nothing. */
export function emptyPage<T>(): Page<T> {
  return { items: [], hasNextPage: false, hasPreviousPage: false, totalCount: async () => 0, cursorOf: () => '' };
}

/** `%` and `_` are wildcards in LIKE; a search term matches them literally. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
