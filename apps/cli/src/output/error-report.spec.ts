import { OperationWaitError, ProblemError } from '@galera-cp/sdk';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../cli-errors';
import { operationFixture } from '../testing/fake-api';
import { errorReport, formatErrorReport } from './error-report';

describe('error reports', () => {
  test('a problem keeps its code, detail, request id, field pointers and active operation', () => {
    const body = {
      type: 'urn:x',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is invalid',
      instance: '/v1/clusters',
      code: 'VALIDATION_FAILED',
      requestId: 'req_9',
      errors: [{ pointer: '/replicas', detail: 'must be odd' }],
    };
    const report = errorReport(new ProblemError(new Response(null, { status: 400 }), body), 'http://api.test');
    assert.deepEqual(report, {
      status: 400,
      code: 'VALIDATION_FAILED',
      title: 'Bad Request',
      detail: 'The request is invalid',
      requestId: 'req_9',
      instance: '/v1/clusters',
      errors: body.errors,
      exitCode: 3,
    });
    assert.equal(formatErrorReport(report), 'galeractl: error: 400 VALIDATION_FAILED: The request is invalid\n  /replicas: must be odd\n  request id: req_9\n');
  });

  test('a conflict names the operation that holds the cluster', () => {
    const body = { type: 'urn:x', title: 'Conflict', status: 409, detail: 'busy', instance: '/', code: 'OPERATION_IN_PROGRESS', requestId: 'req_1', activeOperationId: 'op_7' };
    const text = formatErrorReport(errorReport(new ProblemError(new Response(null, { status: 409 }), body), undefined));
    assert.match(text, /active operation: op_7 \(galeractl operations wait op_7\)/);
  });

  test('a network failure names the API and the socket error', () => {
    const report = errorReport(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') }), 'http://127.0.0.1:9');
    assert.deepEqual(report, { code: 'UNREACHABLE', detail: 'Cannot reach the API at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9', exitCode: 6 });
  });

  test('a wait that timed out says the operation goes on', () => {
    const report = errorReport(new OperationWaitError('timeout', 'op_1', operationFixture({ id: 'op_1', progress: 40 })), undefined);
    assert.equal(report.code, 'WAIT_TIMEOUT');
    assert.equal(report.exitCode, 6);
    assert.match(report.detail, /it was RUNNING, 40%.*goes on \(galeractl operations wait op_1\)/);
  });

  test('a usage error points at --help', () => {
    assert.equal(
      formatErrorReport(errorReport(new UsageError('--kind ssh-password needs --password-stdin'), undefined)),
      'galeractl: error: --kind ssh-password needs --password-stdin\n  (add --help to the command for its usage)\n',
    );
  });
});
