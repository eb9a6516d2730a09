import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { hydrate, OperationEntity, queryRows } from '@galera-cp/database';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APPROVAL_STEP } from './operation-states';

/** Why a run was stopped from outside its steps. */
export type StopReason = { kind: 'cancel' } | { kind: 'lease-lost' } | { kind: 'shutdown' };

/** A write was refused because another worker claimed the operation since (or its lease expired). */
export class LeaseLostError extends Error {
  constructor(operationId: string) {
    super(`lost the lease of operation ${operationId}`);
    this.name = 'LeaseLostError';
  }
}

/** One claim of an operation by one worker: the fencing epoch every write of the run checks. */
export interface Claim {
  operation: OperationEntity;
  epoch: number;
  owner: string;
}

/** A running heartbeat; `stop()` ends it. */
export interface Heartbeat {
  stop(): void;
}

/**
 * The lease of an operation: claim, fence, heartbeat, release. Claiming bumps `lease_epoch` (a
 * fencing token), and every write of the run goes through `fenced`, which first proves under a
 * row lock that the epoch and owner are still this claim's: a worker that lost its lease
 * (paused, partitioned, presumed dead) can no longer write. The heartbeat renews the lease and
 * aborts the run when it cannot, before another worker is allowed to claim.
 */
@Injectable()
export class OperationLease {
  private readonly logger = new Logger('engine');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Claims the operation for `workerId` when nobody holds a live lease on it and it is not
   * waiting for an approval; counts the run. Undefined when it cannot be claimed.
   */
  async claim(operationId: string, workerId: string): Promise<Claim | undefined> {
    const claimed = await queryRows(
      this.dataSource,
      `UPDATE operations o SET
         lease_owner = $2,
         lease_expires_at = now() + make_interval(secs => $3),
         lease_epoch = lease_epoch + 1,
         runs = runs + 1,
         state = CASE WHEN state = 'PENDING' THEN 'RUNNING' ELSE state END,
         started_at = COALESCE(started_at, now()),
         updated_at = now()
       WHERE id = $1
         AND state IN ('PENDING', 'RUNNING', 'CANCELLING')
         AND (lease_owner IS NULL OR lease_expires_at < now())
         AND NOT (approval_required AND approved_at IS NULL AND state = 'RUNNING' AND EXISTS (
           SELECT 1 FROM operation_steps s WHERE s.operation_id = o.id AND s.key = $4 AND s.state = 'WAITING'))
       RETURNING *`,
      [operationId, workerId, this.config.operationLeaseSeconds, APPROVAL_STEP.key],
    );
    if (claimed.length === 0) return undefined;
    const [operation] = hydrate(this.dataSource, OperationEntity, claimed);
    return { operation, epoch: operation.leaseEpoch, owner: workerId };
  }

  /**
   * Runs `work` in a transaction that first proves this worker still holds the lease (and reads
   * the state and approval an operator may have changed meanwhile into the claim).
   */
  async fenced<T>(claim: Claim, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await queryRows<{ state: string; approved_at: Date | null }>(
        manager,
        `SELECT state, approved_at FROM operations WHERE id = $1 AND lease_epoch = $2 AND lease_owner = $3 FOR UPDATE`,
        [claim.operation.id, claim.epoch, claim.owner],
      );
      if (rows.length === 0) throw new LeaseLostError(claim.operation.id);
      claim.operation.state = rows[0].state;
      claim.operation.approvedAt = rows[0].approved_at;
      return work(manager);
    });
  }

  /** Gives the lease back in a fenced transaction (nobody holds it after); the caller may add writes. */
  async release(claim: Claim, alsoInTransaction?: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.fenced(claim, async (manager) => {
      await manager.query(`UPDATE operations SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now() WHERE id = $1`, [claim.operation.id]);
      await alsoInTransaction?.(manager);
    });
  }

  /**
   * Renews the lease every third of its period. Aborts `controller` with `lease-lost` when the
   * lease was taken over, or when it could not be renewed for (almost) a whole period: another
   * worker may claim it then, so this run stops first. Aborts with `cancel` when an operator
   * asked for cancellation (a missed NOTIFY is noticed here).
   */
  startHeartbeat(claim: Claim, controller: AbortController): Heartbeat {
    const leaseMs = this.config.operationLeaseSeconds * 1000;
    let deadline = Date.now() + leaseMs;
    let stopped = false;
    const beat = async () => {
      const sentAt = Date.now();
      try {
        const updated = await queryRows<{ state: string }>(
          this.dataSource,
          `UPDATE operations SET lease_expires_at = now() + make_interval(secs => $4), updated_at = now()
           WHERE id = $1 AND lease_epoch = $2 AND lease_owner = $3 RETURNING state`,
          [claim.operation.id, claim.epoch, claim.owner, this.config.operationLeaseSeconds],
        );
        if (updated.length === 0) {
          controller.abort({ kind: 'lease-lost' } satisfies StopReason);
          return;
        }
        deadline = sentAt + leaseMs;
        if (updated[0].state === 'CANCELLING') controller.abort({ kind: 'cancel' } satisfies StopReason);
      } catch (error) {
        this.logger.warn({ msg: 'heartbeat failed', operationId: claim.operation.id, err: String(error) });
      }
    };
    const interval = setInterval(
      () => {
        if (stopped) return;
        if (Date.now() > deadline - 500) controller.abort({ kind: 'lease-lost' } satisfies StopReason);
        else void beat();
      },
      Math.max(250, Math.floor(leaseMs / 3)),
    );
    interval.unref();
    return {
      stop() {
        stopped = true;
        clearInterval(interval);
      },
    };
  }
}
