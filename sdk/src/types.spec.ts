import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GaleraClient } from './client';
import type { EventOf, Event, Operation, Plan, PlanDetails, ProblemCode } from './index';

/** True when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** Compiles only for `true`: these checks run in `npm run typecheck`. */
function expectType<T extends true>(): T | undefined {
  return undefined;
}

function scaleCall(client: GaleraClient) {
  return client.POST('/v1/clusters/{id}/scale', { params: { path: { id: 'cl_1' } }, body: { replicas: 5 } });
}
type ScaleErrorCode = NonNullable<Awaited<ReturnType<typeof scaleCall>>['error']>['code'];

test('the generated types carry plan steps and details, event payloads and problem codes', () => {
  // Plan.steps was Record<string, never>[] (its key: never).
  expectType<Equal<Plan['steps'][number]['key'], string>>();
  expectType<Equal<Plan['steps'][number]['node'], string | null>>();
  expectType<Equal<NonNullable<PlanDetails['quorum']>['after'], number>>();
  expectType<Equal<NonNullable<Operation['plan']>['details'], PlanDetails>>();
  // Events are a union discriminated by type, each with its data.
  expectType<Equal<EventOf<'node.down'>['data']['node'], string>>();
  expectType<Equal<EventOf<'cluster.degraded'>['data']['healthy'], number>>();
  expectType<Equal<Extract<Event, { type: 'operation.failed' }>['type'], 'operation.failed'>>();
  // Each endpoint's problems list their codes: scaling can answer QUORUM_WOULD_BE_LOST, never WEBHOOK_NOT_FOUND.
  expectType<'QUORUM_WOULD_BE_LOST' extends ScaleErrorCode ? true : false>();
  expectType<'OPERATION_IN_PROGRESS' extends ScaleErrorCode ? true : false>();
  expectType<'WEBHOOK_NOT_FOUND' extends ScaleErrorCode ? false : true>();
  expectType<ScaleErrorCode extends ProblemCode ? true : false>();
  assert.equal(typeof scaleCall, 'function');
});
