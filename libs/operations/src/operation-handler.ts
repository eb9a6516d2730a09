import type { OperationEntity, OperationStepEntity } from '@galera-cp/database';
import type { StepContext, StepSpec } from '@galera-cp/core';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A handler's plan: persisted once, then executed step by step (and resumed after a crash). */
export interface EnginePlan {
  summary: string;
  details: Record<string, unknown>;
  /** The steps in order, in the one step vocabulary (`StepSpec` of libs/core). */
  steps: StepSpec[];
  requiresApproval?: boolean;
}

/** Where a step runs: the `StepContext` of libs/core (the backend contract passes the same one on). */
export type EngineStepContext = StepContext;

/** What a step hands back: an output to persist, and writes to make in the same (fenced) transaction. */
export interface StepOutcome {
  output?: Record<string, unknown>;
  persist?: (manager: EntityManager) => Promise<void>;
}

/**
 * What the engine needs from the code that owns an operation type (the clusters lib for
 * `cluster.*`, `node.*`). The engine is generic: it knows steps, leases and states, nothing of
 * Galera or backends.
 */
export interface OperationHandler {
  readonly types: readonly string[];
  plan(operation: OperationEntity, options: { signal: AbortSignal; log: (message: string) => void }): Promise<EnginePlan>;
  executeStep(operation: OperationEntity, step: OperationStepEntity, context: EngineStepContext): Promise<StepOutcome>;
  /** The typed result, once every step succeeded (the engine adds `type`). */
  result(operation: OperationEntity, steps: OperationStepEntity[]): Promise<Record<string, unknown>>;
  /**
   * A running operation was cancelled: it stopped between steps or its running step was aborted.
   * Brings what the steps left to a consistent state (e.g. the infrastructure to the members
   * that exist) and answers the result (what was reached) and writes for the terminal
   * transaction, run before `onFinished`. Not called for an operation cancelled before it ran.
   */
  onCancelled?(
    operation: OperationEntity,
    steps: OperationStepEntity[],
    options: { signal: AbortSignal; log: (message: string) => void },
  ): Promise<{ result?: Record<string, unknown>; persist?: (manager: EntityManager) => Promise<void> }>;
  /** In the transaction that makes the operation terminal (e.g. the cluster's state). */
  onFinished(operation: OperationEntity, manager: EntityManager): Promise<void>;
  /** After that commit, best effort (e.g. observe the cluster and refresh its status). */
  afterFinished?(operation: OperationEntity): Promise<void>;
  /** A step failed for good (e.g. to audit a changed host key). */
  onStepFailed?(operation: OperationEntity, step: OperationStepEntity, error: Record<string, unknown> & { code: string; detail: string }): Promise<void>;
}

/** Handlers by operation type; modules that own types register theirs at init. */
@Injectable()
export class OperationHandlerRegistry {
  private readonly handlers = new Map<string, OperationHandler>();

  register(handler: OperationHandler): void {
    for (const type of handler.types) {
      if (this.handlers.has(type)) throw new Error(`two handlers for operation type ${type}`);
      this.handlers.set(type, handler);
    }
  }

  get(type: string): OperationHandler {
    const handler = this.handlers.get(type);
    if (!handler) throw new Error(`no handler for operation type ${type}`);
    return handler;
  }

  types(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
