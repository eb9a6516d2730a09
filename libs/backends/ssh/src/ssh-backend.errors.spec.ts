import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BackendError } from '@galera-cp/backends';
import { memberError, toBackendError } from './ssh-backend.errors';
import { HostKeyMismatchError, SshCommandFailedError, SshError, SshExecError } from './transport';

const endpoint = { host: '10.0.0.11', port: 22 };

describe('SSH backend errors', () => {
  test('transport codes are kept and name the member; lost hosts are retryable, refusals are not', () => {
    const unreachable = toBackendError(new SshError('SSH_UNREACHABLE', 'cannot connect: ECONNREFUSED', endpoint), 'db-1');
    assert.ok(unreachable instanceof BackendError);
    assert.equal(unreachable.code, 'SSH_UNREACHABLE');
    assert.equal(unreachable.retryable, true);
    assert.equal(unreachable.options.node, 'db-1');
    assert.equal(unreachable.message, 'db-1: cannot connect: ECONNREFUSED (10.0.0.11:22)');
    const auth = toBackendError(new SshError('SSH_AUTH_FAILED', 'authentication failed: the server refused the credential', endpoint), 'db-1');
    assert.equal(auth.retryable, false);
    assert.match(auth.message, /^db-1: authentication failed.*check the credential and the login user$/);
    assert.equal(toBackendError(new SshError('SUDO_AUTH_FAILED', 'sudo asked for a password', endpoint), 'db-1').retryable, false);
    assert.equal(toBackendError(new SshError('SSH_DISCONNECTED', 'lost', endpoint), 'db-1').retryable, true);
  });

  test('a changed host key is never retryable and carries both fingerprints', () => {
    const error = toBackendError(new HostKeyMismatchError(endpoint, 'SHA256:expected', 'SHA256:actual', 'ssh-ed25519'), 'db-2');
    assert.equal(error.code, 'HOST_KEY_MISMATCH');
    assert.equal(error.retryable, false);
    assert.deepEqual(error.options.details, { address: '10.0.0.11', expectedFingerprint: 'SHA256:expected', actualFingerprint: 'SHA256:actual', keyType: 'ssh-ed25519' });
    assert.match(error.message, /^db-2: host key mismatch: expected SHA256:expected, got ssh-ed25519 SHA256:actual/);
  });

  test("a failed command becomes the caller's code with the stderr tail", () => {
    const failed = new SshCommandFailedError(endpoint, { command: 'service mariadb start', stdoutTail: '', stderrTail: 'Job failed\n', durationMs: 5 }, 1);
    const error = toBackendError(failed, 'db-0', 'NODE_START_FAILED', 'starting the server');
    assert.equal(error.code, 'NODE_START_FAILED');
    assert.equal(error.message, 'db-0: starting the server failed (exited with code 1 (Job failed)) (10.0.0.11:22)');
    assert.deepEqual(error.options.details, { exitCode: 1, stderrTail: 'Job failed\n' });
    assert.equal(toBackendError(new Error('boom'), 'db-0').code, 'REMOTE_COMMAND_FAILED');
    const kept = memberError('PORT_IN_USE', 'db-0', 'port 3306');
    assert.equal(toBackendError(kept, 'db-9'), kept, 'a backend error passes through');
  });

  test('messages say in words what failed and never carry the remote command line', () => {
    const command = "mariadb '--connect-timeout=3' --batch --skip-column-names -e 'SHOW GLOBAL STATUS'";
    const details = { command, stdoutTail: '', stderrTail: '', durationMs: 5000 };
    const aborted = toBackendError(new SshExecError('SSH_ABORTED', 'command aborted', endpoint, details), 'db-1', 'REMOTE_COMMAND_FAILED', 'reading the server status');
    assert.equal(aborted.code, 'SSH_ABORTED');
    assert.equal(aborted.message, 'db-1: reading the server status was cut short (out of time, or cancelled) (10.0.0.11:22)');
    const timedOut = toBackendError(new SshExecError('SSH_TIMEOUT', 'command timed out after 5000 ms', endpoint, details), 'db-1', 'REMOTE_COMMAND_FAILED', 'reading the server status');
    assert.equal(timedOut.message, 'db-1: reading the server status did not finish in time (timed out after 5000 ms) (10.0.0.11:22)');
    assert.equal(timedOut.retryable, true);
    const lost = toBackendError(new SshExecError('SSH_DISCONNECTED', 'the channel closed without an exit status', endpoint, details), 'db-1');
    assert.equal(lost.message, 'db-1: a remote command lost the connection (the channel closed without an exit status) (10.0.0.11:22)');
    const failed = toBackendError(new SshCommandFailedError(endpoint, details, 1), 'db-1');
    const sudo = toBackendError(new SshExecError('SUDO_FAILED', 'sudo refused to run the command', endpoint, details), 'db-1');
    for (const error of [aborted, timedOut, lost, failed, sudo]) {
      assert.doesNotMatch(error.message, /mariadb|--connect-timeout|SHOW GLOBAL/, error.message);
    }
  });
});
