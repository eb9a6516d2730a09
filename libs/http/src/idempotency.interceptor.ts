import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { DomainError } from '@galera-cp/core';
import { IdempotencyKeyEntity, queryRows } from '@galera-cp/database';
import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import { Observable, from, lastValueFrom } from 'rxjs';
import { DataSource } from 'typeorm';
import { bodyOf, HttpAnswer, statusOf } from './http-answer';
import { renderProblem } from './problem';
import type { RequestWithContext } from './request-context';
import { bodyInputProblem } from './request-input';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Seals remembered answers at rest: some answers hold a secret shown once (a new API token, a
 * webhook secret), and a replay must show it again without the database keeping it readable.
 * The API binds it to the master-key SecretBox.
 */
export interface AnswerSealer {
  seal(plaintext: string, associatedData: string): string;
  open(envelope: string, associatedData: string): string;
}

/** Injection token of the {@link AnswerSealer}. */
export const IDEMPOTENCY_ANSWER_SEALER = Symbol('IDEMPOTENCY_ANSWER_SEALER');
/** Headers of the first answer that a replay repeats. */
const REPLAYED_HEADERS = ['location', 'etag', 'content-type'];
/** An in-flight key older than this is taken to belong to a request that died with its process. */
const ABANDONED_AFTER_MS = 5 * 60_000;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * Stripe-style idempotency for POST, stored in PostgreSQL so that every API process agrees:
 * the same key with the same body replays the first answer (header `Idempotent-Replayed: true`);
 * the same key with another body is 422; a duplicate while the first is in flight is 409 with
 * `Retry-After`. Keys are scoped to the caller's principal and expire after
 * IDEMPOTENCY_TTL_HOURS. A 5xx is not remembered, so a retry can succeed.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(IDEMPOTENCY_ANSWER_SEALER) private readonly sealer?: AnswerSealer,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<RequestWithContext>();
    const key = request.header('idempotency-key');
    if (request.method !== 'POST' || key === undefined) return next.handle();
    // A body the input check refuses (too deep to hash safely, a NUL) is refused, audited and
    // not remembered.
    if (!Buffer.isBuffer(request.body) && bodyInputProblem(request.body)) return next.handle();
    return from(this.handle(request, context.switchToHttp().getResponse<Response>(), key, next));
  }

  private async handle(request: RequestWithContext, response: Response, key: string, next: CallHandler): Promise<unknown> {
    if (!KEY_PATTERN.test(key)) {
      throw new DomainError('invalid', 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-255 printable ASCII characters');
    }
    const principal = request.principal?.id ?? 'anonymous';
    const path = request.originalUrl.split('?')[0];
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.originalUrl}\n${canonical(request.body)}`)
      .digest('hex');
    const repository = this.dataSource.getRepository(IdempotencyKeyEntity);

    const now = new Date();
    const inserted = await queryRows(
      this.dataSource,
      `INSERT INTO idempotency_keys (principal, key, method, path, request_hash, state, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'in_flight', $6, $7) ON CONFLICT (principal, key) DO NOTHING RETURNING key`,
      [principal, key, request.method, path, requestHash, now, new Date(now.getTime() + this.config.idempotencyTtlHours * 3_600_000)],
    );

    if (inserted.length === 0) {
      const existing = await repository.findOneBy({ principal, key });
      const stale = existing && (existing.expiresAt < now || (existing.state === 'in_flight' && now.getTime() - existing.createdAt.getTime() > ABANDONED_AFTER_MS));
      if (!existing || stale) {
        await repository.delete({ principal, key });
        return this.handle(request, response, key, next);
      }
      if (existing.requestHash !== requestHash) {
        throw new DomainError('unprocessable', 'IDEMPOTENCY_KEY_REUSED', `Idempotency-Key ${key} was already used with another request`);
      }
      if (existing.state === 'in_flight') {
        throw new DomainError('conflict', 'IDEMPOTENCY_KEY_IN_FLIGHT', `A request with Idempotency-Key ${key} is still being processed`, {
          headers: { 'Retry-After': '1' },
        });
      }
      return new HttpAnswer(this.unseal(principal, key, existing.responseBody), existing.responseStatus ?? 200, { ...(existing.responseHeaders ?? {}), 'Idempotent-Replayed': 'true' });
    }

    try {
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const headers = { ...this.headersOf(response), ...lower(result instanceof HttpAnswer ? result.headers : {}) };
      await this.remember(principal, key, statusOf(result, response), headers, bodyOf(result));
      return result;
    } catch (error) {
      const problem = renderProblem(error, path, request.requestId);
      if (problem.status >= 500) await repository.delete({ principal, key });
      else await this.remember(principal, key, problem.status, { 'content-type': 'application/problem+json', ...lower(problem.headers) }, problem.body);
      throw error;
    }
  }

  private headersOf(response: Response): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = response.getHeader(name);
      if (value !== undefined) out[name] = String(value);
    }
    return out;
  }

  private async remember(principal: string, key: string, status: number, headers: Record<string, string>, body: unknown): Promise<void> {
    const stored = this.sealer ? { sealed: this.sealer.seal(JSON.stringify(body ?? null), `idempotency:${principal}:${key}`) } : (body ?? null);
    await this.dataSource.getRepository(IdempotencyKeyEntity).update({ principal, key }, { state: 'completed', responseStatus: status, responseHeaders: headers, responseBody: stored as object });
  }

  private unseal(principal: string, key: string, stored: unknown): unknown {
    if (!this.sealer || !stored || typeof stored !== 'object' || typeof (stored as { sealed?: unknown }).sealed !== 'string') return stored;
    return JSON.parse(this.sealer.open((stored as { sealed: string }).sealed, `idempotency:${principal}:${key}`));
  }
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
