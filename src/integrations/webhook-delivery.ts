import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import type { Clock } from '../common/clock';
import type { Logger } from '../common/logger';
import { runInTransaction, type UnitOfWork } from '../db/unit-of-work';
import { NotificationKind } from '../notifications/notification.entity';
import type { NotificationService } from '../notifications/notification.service';
import { PartnerMembership, PartnerRight } from '../partners/partner-membership.entity';
import { WebhookDelivery, WebhookDeliveryState, WebhookEndpoint, WebhookEvent } from './integration.entities';
import type { IntegrationSecrets } from './secrets';
import { addressesOf, isPublicAddress, type HostResolver } from './webhook-url';

/** When tries are made and given up (docs/integrations.md). */
export interface WebhookPolicy {
  /** The first retry this long after the first failed try, doubling after each. */
  firstRetryMs: number;
  /** No wait between tries longer than this. */
  maxRetryMs: number;
  /** A delivery is retried for at least this long after it was written, then FAILED. */
  retryForMs: number;
  /** An endpoint whose tries have failed this long without one delivered is disabled. */
  disableAfterMs: number;
  /** A try that has no answer after this long failed. */
  timeoutMs: number;
}

const HOUR = 3600_000;
export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = {
  firstRetryMs: 30_000,
  maxRetryMs: 6 * HOUR,
  retryForMs: 26 * HOUR,
  disableAfterMs: 72 * HOUR,
  timeoutMs: 10_000,
};

/** The wait before try `attempts + 1`, after `attempts` failed tries: exponential, capped. */
export function retryDelayMs(policy: WebhookPolicy, attempts: number): number {
  return Math.min(policy.maxRetryMs, policy.firstRetryMs * 2 ** Math.max(0, attempts - 1));
}

/** The Standard Webhooks message id: the same for every try of a delivery, so receivers can de-duplicate. */
export const webhookMessageId = (eventId: string): string => `msg_${eventId}`;

export interface WebhookDeliveryDeps {
  dataSource: DataSource;
  clock: Clock;
  logger: Logger;
  secrets: IntegrationSecrets;
  notifications: NotificationService;
  policy: WebhookPolicy;
  /** WEBHOOK_ALLOW_PRIVATE=true: private and loopback addresses may be called (development and tests). */
  allowPrivate: boolean;
  resolve: HostResolver;
}

export type DeliveryOutcome =
  | { outcome: 'delivered'; status: number }
  /** Failed; try again at `nextAttemptAt`. */
  | { outcome: 'retry'; status: number | null; attempts: number; nextAttemptAt: Date }
  | { outcome: 'failed'; status: number | null }
  /** Nothing to do: delivered, failed, already tried (a duplicate job), or gone. */
  | { outcome: 'skipped' };

interface Answer {
  status: number | null;
  error: string | null;
}

/**
 * One try of one delivery (the row is the truth, the job its trigger), idempotent: a delivery no longer PENDING, or
 * whose try `attempt` was already made, is skipped. The POST is signed per Standard Webhooks with the endpoint's
 * secret (`webhook-id` fixed per delivery, `webhook-timestamp` of this try), follows no redirect and gives up after
 * the timeout; a 2xx answer delivers. Otherwise the next try is set (exponential backoff) until the retry period has
 * passed; an endpoint failing for `disableAfterMs` is disabled and its partner's INTEGRATIONS members notified.
 */
export async function deliverWebhook(deps: WebhookDeliveryDeps, deliveryId: string, attempt: number): Promise<DeliveryOutcome> {
  const { dataSource, clock, logger, policy } = deps;
  const delivery = await dataSource.getRepository(WebhookDelivery).findOneBy({ id: deliveryId });
  if (!delivery || delivery.state !== WebhookDeliveryState.PENDING || delivery.attempts !== attempt) return { outcome: 'skipped' };
  const [endpoint, event] = await Promise.all([
    dataSource.getRepository(WebhookEndpoint).findOneBy({ id: delivery.endpointId }),
    dataSource.getRepository(WebhookEvent).findOneBy({ id: delivery.eventId }),
  ]);
  let answer: Answer;
  if (!endpoint || !event || endpoint.deletedAt || endpoint.disabledAt) {
    answer = { status: null, error: endpoint?.disabledAt ? 'The endpoint is disabled.' : 'The endpoint was deleted.' };
  } else {
    const secret = await deps.secrets.open(endpoint.secretSealed);
    // The transport's timestamp is the machine's real time, not the business clock (S7): receivers compare it with
    // their own clocks to refuse replays, and a clock offset (CLOCK_OFFSET, a staging run under libfaketime) would
    // otherwise make every signature look stale to them. The body's `timestamp` is the business clock's.
    const sentAt = new Date();
    const signature = new Webhook(secret).sign(webhookMessageId(event.id), sentAt, event.body);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'KlientAdmin-Webhooks/1',
      'webhook-id': webhookMessageId(event.id),
      'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
      'webhook-signature': signature,
    };
    answer = await post(endpoint.url, headers, event.body, deps);
  }
  const final = answer.status === null && (!endpoint || endpoint.deletedAt || endpoint.disabledAt);

  return runInTransaction(
    dataSource,
    async (uow) => {
      const row = await uow.repo(WebhookDelivery).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id: deliveryId }).getOne();
      if (!row || row.state !== WebhookDeliveryState.PENDING || row.attempts !== attempt) return { outcome: 'skipped' } as const;
      const now = clock.now();
      const attempts = attempt + 1;
      const delivered = answer.status !== null && answer.status >= 200 && answer.status < 300;
      if (delivered) {
        await uow.repo(WebhookDelivery).update({ id: row.id }, { state: WebhookDeliveryState.DELIVERED, attempts, lastStatusCode: answer.status, lastError: null, deliveredAt: now, nextAttemptAt: null });
        if (endpoint?.failingSince) await uow.repo(WebhookEndpoint).update({ id: endpoint.id }, { failingSince: null });
        return { outcome: 'delivered', status: answer.status! } as const;
      }
      const lastError = (answer.error ?? `HTTP ${answer.status}`).slice(0, 500);
      if (endpoint && !endpoint.deletedAt && !endpoint.disabledAt) await noteEndpointFailure(deps, uow, endpoint, now);
      const nextAttemptAt = new Date(now.getTime() + retryDelayMs(policy, attempts));
      if (final || nextAttemptAt.getTime() - row.createdAt.getTime() > policy.retryForMs) {
        await uow.repo(WebhookDelivery).update({ id: row.id }, { state: WebhookDeliveryState.FAILED, attempts, lastStatusCode: answer.status, lastError, nextAttemptAt: null });
        return { outcome: 'failed', status: answer.status } as const;
      }
      await uow.repo(WebhookDelivery).update({ id: row.id }, { attempts, lastStatusCode: answer.status, lastError, nextAttemptAt });
      return { outcome: 'retry', status: answer.status, attempts, nextAttemptAt } as const;
    },
    { logger },
  );
}

/** Marks the endpoint failing since now, or disables it when it has failed long enough, notifying the partner. */
async function noteEndpointFailure(deps: WebhookDeliveryDeps, uow: UnitOfWork, endpoint: WebhookEndpoint, now: Date): Promise<void> {
  const current = await uow.repo(WebhookEndpoint).createQueryBuilder('e').setLock('pessimistic_write').where('e.id = :id', { id: endpoint.id }).getOne();
  if (!current || current.disabledAt || current.deletedAt) return;
  if (!current.failingSince) {
    await uow.repo(WebhookEndpoint).update({ id: current.id }, { failingSince: now });
    return;
  }
  if (now.getTime() - current.failingSince.getTime() < deps.policy.disableAfterMs) return;
  await uow.repo(WebhookEndpoint).update({ id: current.id }, { disabledAt: now });
  const members = await uow.repo(PartnerMembership).find({ where: { partnerId: current.partnerId } });
  const drafts = members
    .filter((m) => m.rights.includes(PartnerRight.INTEGRATIONS))
    .map((m) => ({
      userId: m.userId,
      kind: NotificationKind.WEBHOOK_ENDPOINT_DISABLED,
      message: `The webhook endpoint ${safeOrigin(current.url)} failed every delivery since ${current.failingSince!.toISOString()} and was disabled. Create it again once it answers.`,
    }));
  await deps.notifications.notify(uow, ...drafts);
  deps.logger.warn({ endpointId: current.id, partnerId: current.partnerId }, 'webhook endpoint disabled after failing for too long');
}

/** The URL's origin only: paths and queries may hold the receiver's own tokens. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'of the partner';
  }
}

/**
 * POSTs with Node's own client: no redirect is followed (a 3xx is a failed try), the whole try is bounded by the
 * timeout, and — unless private addresses are allowed — the host is resolved here and a private address refused at
 * connect time, so a name that changed its address since the URL was checked (DNS rebinding) reaches nothing inside.
 */
function post(url: string, headers: Record<string, string>, body: string, deps: WebhookDeliveryDeps): Promise<Answer> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return resolve({ status: null, error: 'The URL is not valid.' });
    }
    const lookup: LookupFunction = (hostname, options, callback) => {
      addressesOf(hostname, deps.resolve).then(
        (addresses) => {
          const usable = (addresses ?? []).filter((a) => deps.allowPrivate || isPublicAddress(a));
          if (usable.length === 0) return callback(Object.assign(new Error(addresses ? 'The host resolves to a private address.' : 'The host does not resolve.'), { code: 'ENOTFOUND' }), '', 4);
          const family = usable[0].includes(':') ? 6 : 4;
          if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, usable.map((a) => ({ address: a, family: a.includes(':') ? 6 : 4 })));
          callback(null, usable[0], family);
        },
        (error) => callback(error, '', 4),
      );
    };
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    const req = send(target, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup, agent: false }, (res: IncomingMessage) => {
      // The answer's body is not kept; read a little so the connection can close cleanly.
      res.resume();
      res.on('end', () => done({ status: res.statusCode ?? null, error: null }));
      res.on('error', () => done({ status: res.statusCode ?? null, error: null }));
    });
    const timer = setTimeout(() => {
      req.destroy(new Error('timeout'));
      done({ status: null, error: `No answer within ${Math.round(deps.policy.timeoutMs / 1000)} s.` });
    }, deps.policy.timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => done({ status: null, error: `Could not deliver: ${error.code ?? error.message}`.slice(0, 200) }));
    req.end(body);
  });
}
