import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BackendError, type ClusterTarget } from '@galera-cp/backends';
import { HostConnections, identityOf, redactorOf, sshTargetOf } from './host-connections';
import { SessionPool } from './session-pool';
import { SshError, type SshConnector, type SshSession } from './transport';

const FP = 'SHA256:2nX1q3W5VBE4P8dC4bH0V0x9yqJ3r8o0Z0cS3QeJ6yQ';

function target(overrides: Partial<ClusterTarget> = {}, trustOnFirstUse = false): ClusterTarget {
  return {
    clusterId: 'cl_1',
    name: 'db',
    spec: {
      backend: 'ssh',
      replicas: 3,
      engine: { flavor: 'mariadb', version: '10.11' },
      galera: { sstMethod: 'rsync', gcacheSize: '64M', bufferPoolSize: '128M', parameters: {} },
      policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
      ssh: { credentialId: 'cr_1', user: 'galera-admin', port: 2222, trustOnFirstUse, hosts: [{ address: '10.0.0.1', hostKeyFingerprint: FP }, { address: '10.0.0.2' }] },
    },
    members: [],
    credential: { kind: 'ssh-private-key', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n' },
    settings: { clockSkewMaxMs: 1000, connectTimeoutSeconds: 10, commandTimeoutSeconds: 120 },
    ...overrides,
  };
}

describe('SSH targets of a cluster', () => {
  test('a pinned host key, the login user and port, and the key credential', () => {
    const ssh = sshTargetOf(target(), { node: 'db-0', address: '10.0.0.1' });
    assert.deepEqual(ssh.hostKey, { kind: 'pinned', fingerprint: FP });
    assert.equal(ssh.username, 'galera-admin');
    assert.equal(ssh.port, 2222);
    assert.equal(ssh.auth.kind, 'privateKey');
    assert.equal(ssh.sudo, undefined, 'a key login uses sudo -n (NOPASSWD)');
  });

  test('trust on first use only when the spec allows it and nothing is pinned yet', () => {
    assert.throws(
      () => sshTargetOf(target(), { node: 'db-1', address: '10.0.0.2' }),
      (e: unknown) => e instanceof BackendError && e.code === 'SSH_SPEC_INVALID' && /trustOnFirstUse/.test(e.message),
    );
    assert.deepEqual(sshTargetOf(target({}, true), { node: 'db-1', address: '10.0.0.2' }).hostKey, { kind: 'trust-on-first-use' });
    assert.deepEqual(sshTargetOf(target({}, true), { node: 'db-0', address: '10.0.0.1' }).hostKey.kind, 'pinned', 'a pin wins over trust on first use');
  });

  test('a password credential also answers sudo; a kubeconfig or no credential is refused', () => {
    const ssh = sshTargetOf(target({ credential: { kind: 'ssh-password', password: 's3cret' } }), { node: 'db-0', address: '10.0.0.1' });
    assert.deepEqual(ssh.auth, { kind: 'password', password: 's3cret' });
    assert.deepEqual(ssh.sudo, { password: 's3cret' });
    assert.throws(() => sshTargetOf(target({ credential: { kind: 'kubeconfig', kubeconfig: 'x' } }), { node: 'db-0', address: '10.0.0.1' }), /kubeconfig/);
    assert.throws(() => sshTargetOf(target({ credential: undefined }), { node: 'db-0', address: '10.0.0.1' }), /missing/);
  });

  test('the pool identity changes with the credential and the user; secrets are redacted', () => {
    const a = identityOf(target());
    assert.match(a, /^galera-admin@[0-9a-f]{16}$/);
    assert.equal(identityOf(target()), a);
    assert.notEqual(identityOf(target({ credential: { kind: 'ssh-password', password: 'x' } })), a);
    assert.ok(!a.includes('abc'));
    assert.equal(redactorOf(target({ credential: { kind: 'ssh-password', password: 'hunter22' } })).redact('pw=hunter22'), 'pw=[REDACTED]');
  });
});

/** A connector whose host refuses `refusals` connections (a host that reboots), then answers. */
function rebootingHost(refusals: number, code: 'SSH_UNREACHABLE' | 'SSH_AUTH_FAILED' = 'SSH_UNREACHABLE') {
  let calls = 0;
  const session = { hostKey: { fingerprint: FP, keyType: 'ssh-ed25519' }, isOpen: true, close: async () => undefined } as unknown as SshSession;
  const connector = {
    connect: async () => {
      calls++;
      if (calls <= refusals) throw new SshError(code, 'cannot connect: ECONNREFUSED', { host: '10.0.0.1', port: 2222 });
      return session;
    },
  } as unknown as SshConnector;
  return { connector, calls: () => calls };
}

describe('waiting for a host that does not answer', () => {
  const ref = { node: 'db-0', address: '10.0.0.1' };
  const connections = (connector: SshConnector, hostWaitMs?: number, log: string[] = []) =>
    new HostConnections(new SessionPool<SshSession>({ maxSessions: 4, idleTimeoutMs: 1000 }), connector, target(), {
      scope: 'op_1',
      signal: new AbortController().signal,
      log: (m) => log.push(m),
      settings: { connectTimeoutMs: 1000, commandTimeoutMs: 1000, ...(hostWaitMs !== undefined ? { hostWaitMs } : {}) },
    });

  test('within SSH_HOST_WAIT_SECONDS a refused connection is tried again until the host answers, and the log says so', async () => {
    const host = rebootingHost(2);
    const log: string[] = [];
    const hosts = connections(host.connector, 30_000, log);
    const connected = await hosts.get(ref);
    assert.equal(connected.node, 'db-0');
    assert.equal(host.calls(), 3);
    assert.match(log.join('\n'), /db-0: 10\.0\.0\.1 does not answer \(db-0: cannot connect: ECONNREFUSED \(10\.0\.0\.1:2222\)\); waiting up to 30 s for it/);
    assert.match(log.join('\n'), /db-0: 10\.0\.0\.1 answers again/);
    await hosts.release();
  });

  test('without a wait the first refusal fails; a refused credential never waits', async () => {
    const once = rebootingHost(1);
    await assert.rejects(connections(once.connector).get(ref), (e: unknown) => e instanceof BackendError && e.code === 'SSH_UNREACHABLE' && e.retryable);
    assert.equal(once.calls(), 1);
    const auth = rebootingHost(5, 'SSH_AUTH_FAILED');
    await assert.rejects(connections(auth.connector, 30_000).get(ref), (e: unknown) => e instanceof BackendError && e.code === 'SSH_AUTH_FAILED');
    assert.equal(auth.calls(), 1);
  });
});
