import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { DomainError, Principal, Role } from '@galera-cp/core';
import { ApiTokenEntity, newId, transactionOrDryRun } from '@galera-cp/database';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';

/** How long an authenticated token is trusted without asking the database again. */
const CACHE_TTL_MS = 5_000;
/** last_used_at is written at most this often per token (it is a hint, not an audit). */
const TOUCH_INTERVAL_MS = 60_000;

export function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A freshly issued token: the secret exists only in this value. */
export interface IssuedToken {
  token: ApiTokenEntity;
  secret: string;
}

/**
 * Bearer API tokens: high-entropy secrets (`gcp_…`) stored as SHA-256 only. Authentication is
 * cached for a few seconds per process, so a revocation takes effect within CACHE_TTL_MS.
 */
@Injectable()
export class ApiTokenService {
  private readonly cache = new Map<string, { principal: Principal | null; until: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get tokens() {
    return this.dataSource.getRepository(ApiTokenEntity);
  }

  async issue(name: string, role: Role, createdBy: string, expiresAt?: Date, secret = `gcp_${randomBytes(30).toString('base64url')}`, options: { dryRun?: boolean } = {}): Promise<IssuedToken> {
    const token = this.tokens.create({
      id: newId('token'),
      name,
      role,
      tokenHash: hashToken(secret),
      prefix: secret.slice(0, 10),
      createdBy,
      createdAt: new Date(),
      expiresAt: expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
    });
    await transactionOrDryRun(this.dataSource, options.dryRun ?? false, (manager) => manager.getRepository(ApiTokenEntity).insert(token));
    return { token, secret };
  }

  /**
   * The first admin token. With BOOTSTRAP_ADMIN_TOKEN it is that value (stored hashed, idempotent
   * across restarts); otherwise, when no token exists yet, a new one whose secret is returned
   * once for the start-up banner.
   */
  async ensureBootstrapAdmin(): Promise<{ secret?: string; tokenId?: string }> {
    const configured = this.config.bootstrapAdminToken;
    if (configured) {
      const existing = await this.tokens.findOneBy({ tokenHash: hashToken(configured) });
      if (existing) return { tokenId: existing.id };
      const { token } = await this.issue('bootstrap-admin', 'admin', 'system', undefined, configured);
      return { tokenId: token.id };
    }
    return this.dataSource.transaction(async (manager) => {
      // Serialise concurrent first starts of several processes.
      await manager.query('SELECT pg_advisory_xact_lock(7301002)');
      const count = await manager.getRepository(ApiTokenEntity).count();
      if (count > 0) return {};
      const secret = `gcp_${randomBytes(30).toString('base64url')}`;
      const token = manager.getRepository(ApiTokenEntity).create({
        id: newId('token'),
        name: 'bootstrap-admin',
        role: 'admin',
        tokenHash: hashToken(secret),
        prefix: secret.slice(0, 10),
        createdBy: 'system',
        createdAt: new Date(),
        expiresAt: null,
        revokedAt: null,
        lastUsedAt: null,
      });
      await manager.getRepository(ApiTokenEntity).insert(token);
      return { secret, tokenId: token.id };
    });
  }

  /** The principal a bearer secret stands for, or null (unknown, revoked or expired). */
  async authenticate(secret: string): Promise<Principal | null> {
    const hash = hashToken(secret);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;
    const token = await this.tokens.findOneBy({ tokenHash: hash, revokedAt: IsNull() });
    const principal = token && (!token.expiresAt || token.expiresAt.getTime() > now) ? { id: token.id, name: token.name, role: token.role as Role, kind: 'token' as const } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, until: now + CACHE_TTL_MS });
    if (token && principal && (this.touched.get(token.id) ?? 0) + TOUCH_INTERVAL_MS < now) {
      this.touched.set(token.id, now);
      void this.tokens.update({ id: token.id }, { lastUsedAt: new Date(now) }).catch(() => undefined);
    }
    return principal;
  }

  list(): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ order: { id: 'ASC' } });
  }

  async get(id: string): Promise<ApiTokenEntity> {
    const token = await this.tokens.findOneBy({ id });
    if (!token) throw new DomainError('not_found', 'TOKEN_NOT_FOUND', `API token ${id} does not exist`);
    return token;
  }

  /** Revokes a token (kept for the audit trail). A token cannot revoke itself. */
  async revoke(id: string, by: Principal, options: { dryRun?: boolean } = {}): Promise<ApiTokenEntity> {
    if (id === by.id) throw new DomainError('conflict', 'CANNOT_REVOKE_OWN_TOKEN', 'A token cannot revoke itself; use another admin token');
    const token = await this.get(id);
    if (!token.revokedAt) {
      token.revokedAt = new Date();
      if (options.dryRun) return token;
      await this.tokens.update({ id }, { revokedAt: token.revokedAt });
      this.cache.clear();
    }
    return token;
  }
}
