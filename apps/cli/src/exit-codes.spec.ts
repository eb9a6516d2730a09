import { OperationWaitError, ProblemError } from '@galera-cp/sdk';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InterruptedError, NotFoundError, RequestTimeoutError, StreamLostError, UsageError } from './cli-errors';
import { EXIT, exitCodeOf, exitCodeOfStatus } from './exit-codes';

function problemError(status: number, code = 'X'): ProblemError {
  return new ProblemError(new Response(null, { status }), { type: 'about:blank', title: 't', status, detail: 'd', instance: '/', code, requestId: 'req_1' });
}

describe('exit codes', () => {
  test('each HTTP status of a problem maps to its documented code', () => {
    assert.equal(exitCodeOfStatus(400), EXIT.REFUSED);
    assert.equal(exitCodeOfStatus(409), EXIT.REFUSED);
    assert.equal(exitCodeOfStatus(412), EXIT.REFUSED);
    assert.equal(exitCodeOfStatus(422), EXIT.REFUSED);
    assert.equal(exitCodeOfStatus(401), EXIT.AUTH);
    assert.equal(exitCodeOfStatus(403), EXIT.AUTH);
    assert.equal(exitCodeOfStatus(404), EXIT.NOT_FOUND);
    assert.equal(exitCodeOfStatus(429), EXIT.UNAVAILABLE);
    assert.equal(exitCodeOfStatus(500), EXIT.UNAVAILABLE);
    assert.equal(exitCodeOfStatus(502), EXIT.UNAVAILABLE);
    assert.equal(exitCodeOfStatus(503), EXIT.UNAVAILABLE);
  });

  test('errors of every kind map to their code', () => {
    assert.equal(exitCodeOf(problemError(400, 'VALIDATION_FAILED')), 3);
    assert.equal(exitCodeOf(problemError(409, 'OPERATION_IN_PROGRESS')), 3);
    assert.equal(exitCodeOf(problemError(404, 'CLUSTER_NOT_FOUND')), 4);
    assert.equal(exitCodeOf(problemError(401, 'INVALID_TOKEN')), 5);
    assert.equal(exitCodeOf(problemError(403, 'FORBIDDEN')), 5);
    assert.equal(exitCodeOf(problemError(503, 'HTTP_503')), 6);
    assert.equal(exitCodeOf(new UsageError('bad flag')), 2);
    assert.equal(exitCodeOf(new NotFoundError('CLUSTER_NOT_FOUND', 'no such name')), 4);
    assert.equal(exitCodeOf(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') })), 6);
    assert.equal(exitCodeOf(new RequestTimeoutError('no answer')), 6);
    assert.equal(exitCodeOf(new StreamLostError('gone')), 6);
    assert.equal(exitCodeOf(new OperationWaitError('timeout', 'op_1', undefined)), 6);
    assert.equal(exitCodeOf(new OperationWaitError('aborted', 'op_1', undefined)), 130);
    assert.equal(exitCodeOf(new InterruptedError('stop')), 130);
    assert.equal(exitCodeOf(new Error('a bug')), 7);
    assert.equal(exitCodeOf(new TypeError("Cannot read properties of undefined (reading 'x')")), 7, 'a programming TypeError is not a network error');
  });

  test('the README documents exactly these codes', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'));
    const documented = [...section.matchAll(/^\| `(\d+)` \|/gm)].map((m) => Number(m[1]));
    assert.deepEqual(
      documented.sort((a, b) => a - b),
      Object.values(EXIT).sort((a, b) => a - b),
    );
  });
});
