import type { ChangeOutcome } from '@galera-cp/clusters';
import type { OperationEntity } from '@galera-cp/database';
import { HttpAnswer, RequestWithContext } from '@galera-cp/http';
import { OperationsService } from '@galera-cp/operations';
import { OperationDto, PlanDto } from '../operations/operation.dto';
import { toOperationDto, toPlanDto } from '../operations/operation.mapper';

/**
 * The answer of a mutation that needs backend work: 202 with the Operation and its Location, or
 * 200 with the plan of a dry run. Also names the audit target.
 */
export async function operationAnswer(outcome: ChangeOutcome<OperationEntity>, operations: OperationsService, request: RequestWithContext): Promise<HttpAnswer<OperationDto | PlanDto>> {
  if (outcome.kind === 'planned') return new HttpAnswer(toPlanDto(outcome.plan), 200);
  request.auditTarget = { type: 'cluster', id: outcome.clusterId };
  request.auditDetail = { operationId: outcome.operation.id };
  const steps = await operations.steps(outcome.operation.id);
  return new HttpAnswer(toOperationDto(outcome.operation, steps), 202, { Location: `/v1/operations/${outcome.operation.id}` });
}
