import type { Readable } from 'node:stream';

/**
 * The rows of a query's result stream. When the reader stops half way (a writer failed), the rest is read and dropped,
 * so the connection is clean for the next query on it.
 */
export async function* rowsOf<T>(stream: Readable): AsyncIterable<T> {
  let finished = false;
  try {
    for await (const row of stream as AsyncIterable<T>) yield row;
    finished = true;
  } finally {
    if (!finished && !stream.destroyed) {
      stream.resume();
      await new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('error', () => resolve());
        stream.once('close', resolve);
      });
    }
  }
}
