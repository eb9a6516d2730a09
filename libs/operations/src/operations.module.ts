import { Module } from '@nestjs/common';
import { OperationHandlerRegistry } from './operation-handler';
import { OperationLease } from './operation-lease';
import { OperationQueue } from './operation-queue';
import { OperationRepository } from './operation.repository';
import { OperationRunner } from './operation-runner';
import { OperationWorker } from './operation-worker';
import { OperationStream } from './operation-stream';
import { StepExecutor } from './step-executor';
import { OperationsService } from './operations.service';

/**
 * Operations: the service that starts, reads, cancels and approves them, the queue, the
 * handler registry, and the engine. The worker starts only when the process has the worker
 * role (apps call `OperationWorker.start()`).
 */
@Module({
  providers: [OperationHandlerRegistry, OperationQueue, OperationRepository, OperationsService, OperationLease, StepExecutor, OperationRunner, OperationWorker, OperationStream],
  exports: [OperationHandlerRegistry, OperationQueue, OperationRepository, OperationsService, OperationWorker, OperationStream],
})
export class OperationsModule {}
