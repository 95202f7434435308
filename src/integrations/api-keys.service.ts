import type { DataSource } from 'typeorm';
import type { Caller } from '../auth/caller';
import { Viewer } from '../auth/viewer';
import type { AuditService } from '../audit/audit.service';
import type { Clock } from '../common/clock';
import { BadInputError } from '../common/domain-errors';
import { localIdOf } from '../common/global-id';
import type { Logger } from '../common/logger';
import { Refusal, refusal, UserErrorCode } from '../common/refusals';
import type { UnitOfWork } from '../db/unit-of-work';
import { PartnerRight } from '../partners/partner-membership.entity';
import { Partner } from '../partners/partner.entity';
import { User } from '../users/user.entity';
import { ApiScope, apiKeyUserId, apiKeyUserName } from './api-scope';
import { ApiKey } from './integration.entities';
import { newApiKeySecret, type IntegrationSecrets } from './secrets';

export interface CreateApiKeyInput {
  partnerId: string;
  name: string;
  scopes: ApiScope[];
  expiresAt?: Date | null;
}

/** How an API key in a request was judged. */
export type ApiKeyCheck = { viewer: Viewer } | { refused: 'unknown' | 'revoked' | 'expired' };

/** `lastUsedAt` is written at most this often per key and process: no write per request. */
export const LAST_USED_EVERY_MS = 60_000;

const noPartner = (): Refusal => refusal(UserErrorCode.NOT_FOUND, 'No such partner.', ['input', 'partnerId']);

/** A partner's API keys (docs/integrations.md): created and revoked by members with INTEGRATIONS, checked on each request. */
export class ApiKeyService {
  /** When this process last wrote each key's `lastUsedAt`. */
  private readonly lastWritten = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly secrets: IntegrationSecrets,
    private readonly logger: Logger,
  ) {}

  /** The partner (a global id) if the caller has INTEGRATIONS in it; a refusal that tells a stranger nothing otherwise. */
  async partnerFor(uow: UnitOfWork, caller: Caller, partnerGlobalId: string): Promise<{ partner: Partner } | { refusal: Refusal }> {
    const partnerId = localIdOf(partnerGlobalId, 'Partner');
    const partner = partnerId ? await uow.repo(Partner).findOneBy({ id: partnerId }) : null;
    if (!partner || !caller.viewer.isMemberOf(partner.id)) return { refusal: noPartner() };
    if (!caller.viewer.hasRight(partner.id, PartnerRight.INTEGRATIONS)) {
      return { refusal: refusal(UserErrorCode.FORBIDDEN, 'Managing integrations needs the INTEGRATIONS right in the partner.', ['input', 'partnerId']) };
    }
    return { partner };
  }

  async create(uow: UnitOfWork, caller: Caller, input: CreateApiKeyInput): Promise<{ apiKey: ApiKey | null; secret: string | null; userErrors: Refusal[] }> {
    const found = await this.partnerFor(uow, caller, input.partnerId);
    if ('refusal' in found) return { apiKey: null, secret: null, userErrors: [found.refusal] };
    const now = this.clock.now();
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
      throw new BadInputError('expiresAt must be in the future.', { argument: 'expiresAt' });
    }
    const { secret, prefix } = newApiKeySecret();
    const values = {
      partnerId: found.partner.id,
      name: input.name.trim(),
      scopes: [...new Set(input.scopes)],
      prefix,
      secretHash: await this.secrets.hashApiKey(secret),
      createdByUserId: caller.viewer.userId,
      createdAt: now,
      expiresAt: input.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    };
    const inserted = await uow.repo(ApiKey).createQueryBuilder().insert().values(values).updateEntity(false).execute();
    const apiKey = Object.assign(new ApiKey(), values, { id: String(inserted.raw.insertId) });
    // The user the key acts as: rows that record who acted name it (see api-scope.ts).
    await uow.repo(User).insert({ id: apiKeyUserId(apiKey.id), name: apiKeyUserName(apiKey.name), email: '' });
    await this.audit.record(uow, caller.actor, {
      action: 'API_KEY_CREATED',
      after: { apiKeyId: apiKey.id, partnerId: apiKey.partnerId, name: apiKey.name, scopes: apiKey.scopes, prefix, expiresAt: apiKey.expiresAt?.toISOString() ?? null },
    });
    return { apiKey, secret, userErrors: [] };
  }

  async revoke(uow: UnitOfWork, caller: Caller, apiKeyGlobalId: string): Promise<{ apiKey: ApiKey | null; userErrors: Refusal[] }> {
    const id = localIdOf(apiKeyGlobalId, 'ApiKey');
    const key = id ? await uow.repo(ApiKey).createQueryBuilder('k').setLock('pessimistic_write').where('k.id = :id', { id }).getOne() : null;
    const notFound = { apiKey: null, userErrors: [refusal(UserErrorCode.NOT_FOUND, 'No such API key.', ['input', 'apiKeyId'])] };
    if (!key || !caller.viewer.isMemberOf(key.partnerId)) return notFound;
    if (!caller.viewer.hasRight(key.partnerId, PartnerRight.INTEGRATIONS)) {
      return { apiKey: null, userErrors: [refusal(UserErrorCode.FORBIDDEN, 'Managing integrations needs the INTEGRATIONS right in the partner.', ['input', 'apiKeyId'])] };
    }
    if (!key.revokedAt) {
      key.revokedAt = this.clock.now();
      await uow.repo(ApiKey).update({ id: key.id }, { revokedAt: key.revokedAt });
      await this.audit.record(uow, caller.actor, { action: 'API_KEY_REVOKED', after: { apiKeyId: key.id, partnerId: key.partnerId, name: key.name } });
    }
    return { apiKey: key, userErrors: [] };
  }

  /** The partner's keys, newest first (revoked ones too, with `revokedAt`). */
  list(partnerId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ where: { partnerId }, order: { id: 'DESC' } });
  }

  /**
   * The viewer a key secret acts as, with one statement: found by its keyed hash (an index lookup; the hash of a
   * wrong secret matches nothing), refused when revoked or expired by the process clock. Never logs the secret.
   */
  async authenticate(secret: string): Promise<ApiKeyCheck> {
    const hash = await this.secrets.hashApiKey(secret);
    // Every request with a key asks this: one indexed statement, the columns it needs, no entity machinery.
    const [row] = (await this.dataSource.query(
      'SELECT id, partner_id, name, scopes, created_by_user_id, expires_at, last_used_at, revoked_at FROM api_keys WHERE secret_hash = ?',
      [hash],
    )) as Array<{ id: string | number; partner_id: string; name: string; scopes: string; created_by_user_id: string | null; expires_at: Date | null; last_used_at: Date | null; revoked_at: Date | null }>;
    if (!row) return { refused: 'unknown' };
    const key = Object.assign(new ApiKey(), {
      id: String(row.id),
      partnerId: row.partner_id,
      name: row.name,
      scopes: row.scopes ? (row.scopes.split(',') as ApiScope[]) : [],
      createdByUserId: row.created_by_user_id,
      expiresAt: row.expires_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    });
    const now = this.clock.now();
    if (key.revokedAt) return { refused: 'revoked' };
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return { refused: 'expired' };
    this.touch(key, now);
    return { viewer: Viewer.forApiKey({ id: key.id, partnerId: key.partnerId, name: key.name, scopes: key.scopes, createdByUserId: key.createdByUserId }) };
  }

  /** Coalesced `lastUsedAt`: one write per key per minute per process, after the answer, never awaited by the request. */
  private touch(key: ApiKey, now: Date): void {
    const last = this.lastWritten.get(key.id) ?? key.lastUsedAt?.getTime() ?? 0;
    if (now.getTime() - last < LAST_USED_EVERY_MS) return;
    this.lastWritten.set(key.id, now.getTime());
    void this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: now })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at < :now)', { id: key.id, now })
      .execute()
      .catch((err) => this.logger.warn({ err, apiKeyId: key.id }, 'could not record when the API key was last used'));
  }
}
