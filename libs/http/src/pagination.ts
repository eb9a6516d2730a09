import { DomainError } from '@galera-cp/core';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { createHash } from 'node:crypto';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Paging parameters of every list. */
export class PageQueryDto {
  /** Items per page (1-200). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;

  /** The `nextPageToken` of the previous page; opaque. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  pageToken?: string;
}

/** One page of a list. */
export interface Page<T> {
  items: T[];
  /** Token of the next page, or null on the last page. */
  nextPageToken: string | null;
}

function fingerprint(scope: string): string {
  return createHash('sha256').update(scope).digest('base64url').slice(0, 12);
}

/** An opaque token that resumes a list after `lastKey`, valid only for the same list and filters. */
export function encodePageToken(lastKey: string, scope: string): string {
  return Buffer.from(JSON.stringify({ v: 1, s: fingerprint(scope), k: lastKey })).toString('base64url');
}

/**
 * What a list's key looks like: `id` for prefixed ids (`cl_01jd…`), `integer` for bigint
 * sequence ids (audit records, log lines, events). Page tokens are not signed, so a key read
 * from one is checked against its shape before it reaches a query.
 */
export type PageKeyType = 'id' | 'integer';

const KEY_SHAPE: Record<PageKeyType, RegExp> = {
  id: /^[a-z]{2,4}_[0-9a-z]{26}$/,
  // at most 18 digits: always inside PostgreSQL's bigint
  integer: /^[0-9]{1,18}$/,
};

/** The key a token resumes after; 400 INVALID_PAGE_TOKEN when it is not one of ours, was made for another list, or was tampered with. */
export function decodePageToken(token: string, scope: string, keyType: PageKeyType = 'id'): string {
  const invalid = () =>
    new DomainError('invalid', 'INVALID_PAGE_TOKEN', 'pageToken is not a token this list gave out (or the filters changed)', {
      errors: [{ pointer: '/pageToken', detail: 'not a valid page token for this list' }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null) throw invalid();
  const { v, s, k } = parsed as Record<string, unknown>;
  if (v !== 1 || s !== fingerprint(scope) || typeof k !== 'string' || !KEY_SHAPE[keyType].test(k)) throw invalid();
  return k;
}

/**
 * Keyset pagination on a unique, ordered key column (ids are time-ordered, so the key is the id).
 * Fetches one row more than asked to know whether a next page exists.
 */
export async function paginate<E extends ObjectLiteral>(
  query: SelectQueryBuilder<E>,
  options: { keyColumn: string; keyOf: (row: E) => string; keyType?: PageKeyType; direction: 'ASC' | 'DESC'; page: PageQueryDto; scope: string; defaultPageSize?: number },
): Promise<Page<E>> {
  const size = options.page.pageSize ?? options.defaultPageSize ?? 50;
  if (options.page.pageToken) {
    const after = decodePageToken(options.page.pageToken, options.scope, options.keyType);
    query.andWhere(`${options.keyColumn} ${options.direction === 'ASC' ? '>' : '<'} :__after`, { __after: after });
  }
  const rows = await query
    .orderBy(options.keyColumn, options.direction)
    .limit(size + 1)
    .getMany();
  const items = rows.slice(0, size);
  return {
    items,
    nextPageToken: rows.length > size ? encodePageToken(options.keyOf(items[items.length - 1]), options.scope) : null,
  };
}

/** Maps the items of a page. */
export function mapPage<A, B>(page: Page<A>, map: (item: A) => B): Page<B> {
  return { items: page.items.map(map), nextPageToken: page.nextPageToken };
}
