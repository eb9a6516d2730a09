import { Principal } from '@galera-cp/core';
import { AuditRecordEntity } from '@galera-cp/database';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** What one audit record says. */
export interface AuditEntry {
  actor: Pick<Principal, 'id' | 'name'> | null;
  action: string;
  target?: { type: string; id: string };
  outcome: 'succeeded' | 'failed' | 'denied';
  statusCode?: number;
  requestId?: string;
  detail?: Record<string, unknown>;
}

/** The audit trail: who did what to which target, with what outcome. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes one record; pass `manager` to write it in the caller's transaction. */
  async record(entry: AuditEntry, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.getRepository(AuditRecordEntity).insert({
      at: new Date(),
      actor: entry.actor?.id ?? 'anonymous',
      actorName: entry.actor?.name ?? null,
      action: entry.action,
      targetType: entry.target?.type ?? null,
      targetId: entry.target?.id ?? null,
      outcome: entry.outcome,
      statusCode: entry.statusCode ?? null,
      requestId: entry.requestId ?? null,
      detail: (entry.detail ?? {}) as object,
    });
  }

  query() {
    return this.dataSource.getRepository(AuditRecordEntity).createQueryBuilder('a');
  }
}
