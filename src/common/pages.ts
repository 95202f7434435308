import { BadInputError } from './domain-errors';

/** Opaque keyset cursor: base64url of the sort key of the last item. */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** The sort key inside a cursor; bad input when the cursor was not made by us. */
export function decodeCursor(cursor: string, shape: Array<'string' | 'number'>): Array<string | number> {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === shape.length && key.every((part, i) => typeof part === shape[i])) {
      return key as Array<string | number>;
    }
  } catch {
    // fall through
  }
  throw new BadInputError('after is not a cursor from this list.', { argument: 'after' });
}

/** One page of a list, as services return it; `src/graphql/connection.ts` turns it into a Relay connection. */
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

/** `%` and `_` are wildcards in LIKE; a search term matches them literally. */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}
