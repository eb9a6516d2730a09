import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BackendError, type ClusterTarget } from '@galera-cp/backends';
import { identityOf, redactorOf, sshTargetOf } from './host-connections';

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
    assert.throws(() => sshTargetOf(target(), { node: 'db-1', address: '10.0.0.2' }), (e: unknown) => e instanceof BackendError && e.code === 'SSH_SPEC_INVALID' && /trustOnFirstUse/.test(e.message));
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
