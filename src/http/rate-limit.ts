import type { Request, Response, NextFunction } from 'express';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from '../common/logger';
import { sendJsonError } from './errors';

/** The code of a refusal for too many requests (HTTP 429, with Retry-After). */
export const RATE_LIMITED = 'RATE_LIMITED';

export interface RateLimitSettings {
  /** Requests per window for one signed-in user, across every API process; 0 turns the limit off. */
  perUser: number;
  /** Requests per window from one client IP address; 0 turns the limit off. */
  perIp: number;
  /** The window in seconds. */
  windowSeconds: number;
}

/** The outcome of taking one request from a budget: the headers to send, and whether it was refused. */
export interface RateLimitOutcome {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds: number;
}

/**
 * One budget of requests per key over a fixed window, kept in Redis so that every API process counts together
 * (rate-limiter-flexible). When Redis does not answer, a per-process budget of the same size stands in, so an outage of
 * Redis neither lets floods through nor refuses everyone.
 */
export class RequestBudget {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    keyPrefix: string,
    readonly points: number,
    readonly windowSeconds: number,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: windowSeconds,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: windowSeconds }),
    });
  }

  async take(key: string): Promise<RateLimitOutcome> {
    let result: RateLimiterRes;
    let allowed = true;
    try {
      result = await this.limiter.consume(key, 1);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      result = refusal;
      allowed = false;
    }
    const resetSeconds = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
    // IETF draft "RateLimit header fields for HTTP": limit, remaining and seconds until the window resets.
    const headers: Record<string, string> = {
      'RateLimit-Limit': String(this.points),
      'RateLimit-Remaining': String(Math.max(0, result.remainingPoints)),
      'RateLimit-Reset': String(resetSeconds),
      'RateLimit-Policy': `${this.points};w=${this.windowSeconds}`,
    };
    if (!allowed) headers['Retry-After'] = String(resetSeconds);
    return { allowed, headers, retryAfterSeconds: resetSeconds };
  }
}

export interface RequestBudgets {
  perIp: RequestBudget | null;
  perUser: RequestBudget | null;
}

export function requestBudgets(redis: Redis, queuePrefix: string, settings: RateLimitSettings): RequestBudgets {
  return {
    perIp: settings.perIp > 0 ? new RequestBudget(redis, `${queuePrefix}:rate:ip`, settings.perIp, settings.windowSeconds) : null,
    perUser: settings.perUser > 0 ? new RequestBudget(redis, `${queuePrefix}:rate:user`, settings.perUser, settings.windowSeconds) : null,
  };
}

const tooManyRequestsMessage = (retryAfterSeconds: number) => `Too many requests; try again in ${retryAfterSeconds} s.`;

/**
 * Express middleware: every request with a key (its IP address, its signed-in user) takes one from that key's budget.
 * A refused request gets 429 with Retry-After, as JSON in the shape of the route it was sent to.
 */
export function rateLimit(budget: RequestBudget | null, keyOf: (req: Request) => string | null, logger: Logger) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = budget ? keyOf(req) : null;
    if (!budget || key === null) return next();
    let outcome: RateLimitOutcome;
    try {
      outcome = await budget.take(key);
    } catch (error) {
      // Neither Redis nor the stand-in answered: serve rather than fail every request.
      logger.warn({ err: error }, 'rate limit unavailable; request let through');
      return next();
    }
    res.set(outcome.headers);
    if (outcome.allowed) return next();
    req.log?.info({ retryAfter: outcome.retryAfterSeconds }, 'rate limited');
    sendJsonError(req, res, 429, RATE_LIMITED, tooManyRequestsMessage(outcome.retryAfterSeconds));
  };
}
