import type { Readable } from 'node:stream';
import type { QueryRunner } from 'typeorm';

/** Rows a result stream buffers before the socket is paused (TypeORM's `stream()` leaves Node's default of 16). */
const STREAM_ROWS = 250;

/**
 * A query's result as a stream, straight on the runner's mysql2 connection (so inside the runner's transaction and
 * snapshot), buffering `STREAM_ROWS` rows: the socket is paused and resumed less often than through TypeORM.
 */
export async function streamQuery(runner: QueryRunner, sql: string, params: unknown[]): Promise<Readable> {
  const connection: { query(sql: string, values: unknown[]): { stream(options: { highWaterMark: number }): Readable } } = await runner.connect();
  return connection.query(sql, params).stream({ highWaterMark: STREAM_ROWS });
}

/**
 * The rows of a query's result stream, in arrays of at most `size` rows: whatever the stream has buffered is taken in
 * one go, so a reader pays one asynchronous step per batch instead of one per row (a million-line ledger makes that
 * a measurable share of its CPU). When the reader stops half way (a writer failed), the rest is read and dropped, so
 * the connection is clean for the next query on it.
 */
export async function* batchesOf<T>(stream: Readable, size = STREAM_ROWS): AsyncIterable<T[]> {
  let failure: { error: unknown } | undefined;
  const onError = (error: unknown) => (failure ??= { error });
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  stream.on('error', onError);
  let finished = false;
  try {
    for (;;) {
      const batch: T[] = [];
      let row: T | null;
      while (batch.length < size && (row = stream.read() as T | null) !== null) batch.push(row);
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      throwIfFailed();
      if (stream.readableEnded) break;
      await new Promise<void>((resolve) => {
        const done = () => {
          stream.off('readable', done);
          stream.off('end', done);
          stream.off('error', done);
          stream.off('close', done);
          resolve();
        };
        stream.on('readable', done);
        stream.on('end', done);
        stream.on('error', done);
        stream.on('close', done);
      });
      throwIfFailed();
      if (stream.destroyed && !stream.readableEnded && stream.readableLength === 0) throw new Error('the result stream closed before its end');
    }
    finished = true;
  } finally {
    stream.off('error', onError);
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

/** The part of a mysql2 connection `queryBatches` uses: a query's row events, and pausing the socket. */
interface RowEventConnection {
  query(sql: string, values: unknown[]): NodeJS.EventEmitter;
  pause(): void;
  resume(): void;
}

/**
 * A query's rows in arrays of `size`, taken straight from the connection's row events on the runner's mysql2
 * connection (so inside the runner's transaction and snapshot): the connection is paused whenever a batch is full and
 * resumed when the reader asks for the next one, so at most about two batches are held. Without an object-mode
 * stream between the rows and the reader, each row costs an array push instead of a stream's push and read (at a
 * million lines and five passes, a measurable share of the generation's CPU). As with `batchesOf`, a reader that
 * stops half way leaves the rest of the result read and dropped, so the connection is clean for the next query on it;
 * an error of the query reaches the reader after the rows before it.
 */
export async function* queryBatches<T>(runner: QueryRunner, sql: string, params: unknown[], size = STREAM_ROWS): AsyncIterable<T[]> {
  const connection = (await runner.connect()) as RowEventConnection;
  const query = connection.query(sql, params);
  let filling: T[] = [];
  const full: T[][] = [];
  let ended = false;
  let failure: { error: unknown } | undefined;
  let dropping = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  query.on('result', (row: T) => {
    if (dropping) return;
    filling.push(row);
    if (filling.length >= size) {
      full.push(filling);
      filling = [];
      connection.pause();
      notify();
    }
  });
  query.on('error', (error: unknown) => {
    failure ??= { error };
    ended = true;
    notify();
  });
  query.on('end', () => {
    ended = true;
    notify();
  });
  let finished = false;
  try {
    for (;;) {
      const batch = full.shift();
      if (batch) {
        connection.resume();
        yield batch;
        continue;
      }
      if (ended) {
        if (failure) throw failure.error;
        if (filling.length > 0) {
          const last = filling;
          filling = [];
          yield last;
        }
        break;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
    finished = true;
  } finally {
    if (!finished) {
      dropping = true;
      full.length = 0;
      filling = [];
      connection.resume();
      while (!ended) await new Promise<void>((resolve) => (wake = resolve));
    }
  }
}
