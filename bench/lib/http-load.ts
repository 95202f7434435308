import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';

export interface LatencyFigures {
  /** Completed requests (any status). */
  requests: number;
  /** Requests per second over the whole run. */
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface LoadFigures extends LatencyFigures {
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSeconds: number;
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Percentiles of a node histogram recorded in microseconds, in milliseconds. */
export function latencyOf(histogram: ReturnType<typeof createHistogram>, requests: number, seconds: number): LatencyFigures {
  return {
    requests,
    perSecond: round(requests / seconds, 1),
    p50Ms: round(histogram.percentile(50) / 1000),
    p95Ms: round(histogram.percentile(95) / 1000),
    p99Ms: round(histogram.percentile(99) / 1000),
    maxMs: round(histogram.max / 1000),
  };
}

/**
 * Runs autocannon and returns its figures. autocannon's own summary has no p95, so every response time it measures
 * (its `response` event) also goes into a node:perf_hooks histogram; p50/p99 agree with autocannon's.
 */
export async function runLoad(options: autocannon.Options): Promise<LoadFigures> {
  const histogram = createHistogram();
  let counted = 0;
  let instance: autocannon.Instance;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ ...options, timeout: options.timeout ?? 30 }, (error, result) => (error ? reject(error) : resolve(result)));
    // The tracker emits (client, statusCode, bytes, responseTimeMs); the type declarations leave out the client.
    (instance as NodeJS.EventEmitter).on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) {
        histogram.record(Math.max(1, Math.round(responseTime * 1000)));
        counted++;
      }
    });
  });
  // Let requests autocannon abandoned at the deadline finish before anything else is measured.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const seconds = result.duration;
  return {
    ...latencyOf(histogram, counted, seconds),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSeconds: round(seconds, 2),
  };
}

/**
 * Runs `work` from `concurrency` callers for `seconds` (or until `total` calls are done), timing each call into a
 * node:perf_hooks histogram: the load generator for baselines that are not HTTP.
 */
export async function runCallers(options: { concurrency: number; seconds?: number; total?: number; work: (caller: number, n: number) => Promise<void> }): Promise<LatencyFigures> {
  const histogram = createHistogram();
  const started = process.hrtime.bigint();
  const stopAt = options.seconds ? Date.now() + options.seconds * 1000 : Infinity;
  let issued = 0;
  let done = 0;
  const caller = async (index: number) => {
    for (;;) {
      if (Date.now() >= stopAt) return;
      if (options.total !== undefined && issued >= options.total) return;
      const n = issued++;
      const t0 = process.hrtime.bigint();
      await options.work(index, n);
      histogram.record(Math.max(1, Number((process.hrtime.bigint() - t0) / 1000n)));
      done++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => caller(i)));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return latencyOf(histogram, done, seconds);
}
