import type { ClusterChangeRequest } from '@galera-cp/clusters';
import { ChatConfirmationEntity, JsonDocument, queryRows } from '@galera-cp/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomInt } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';

/** Letters and digits that cannot be mistaken for each other when typed. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

/** A confirmation that was consumed: the change to start, as planned. */
export interface ConfirmedChange {
  clusterId: string;
  change: ClusterChangeRequest;
  generation: number;
}

/**
 * Confirmation codes of chat plans, stored server-side: short-lived, single-use, and bound to
 * the user who saw the plan, the cluster, the exact change and the cluster's generation.
 */
@Injectable()
export class ChatConfirmations {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Stores a new code for a planned change and answers it. */
  async issue(input: { principalId: string; clusterId: string; change: ClusterChangeRequest; generation: number; ttlSeconds: number }): Promise<string> {
    for (;;) {
      const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      const now = new Date();
      try {
        await this.dataSource.getRepository(ChatConfirmationEntity).insert({
          code,
          principalId: input.principalId,
          clusterId: input.clusterId,
          change: input.change as unknown as JsonDocument,
          generation: input.generation,
          expiresAt: new Date(now.getTime() + input.ttlSeconds * 1000),
          usedAt: null,
          createdAt: now,
        });
        return code;
      } catch (error) {
        if (!(error instanceof QueryFailedError && (error as unknown as { code?: string }).code === '23505')) throw error;
      }
    }
  }

  /**
   * Uses a code: atomically, once, only by the user it was issued to and before it expires.
   * Null when it is unknown, expired, used, or someone else's (the answer does not say which).
   */
  async consume(code: string, principalId: string): Promise<ConfirmedChange | null> {
    const [row] = await queryRows<{ cluster_id: string; change: ClusterChangeRequest; generation: number }>(
      this.dataSource,
      `UPDATE chat_confirmations SET used_at = now()
        WHERE code = $1 AND principal_id = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING cluster_id, change, generation`,
      [code, principalId],
    );
    return row ? { clusterId: row.cluster_id, change: row.change, generation: row.generation } : null;
  }

  /** Drops codes that can no longer be used. */
  async purge(): Promise<void> {
    await this.dataSource.query(`DELETE FROM chat_confirmations WHERE expires_at < now() - interval '1 day'`);
  }
}
