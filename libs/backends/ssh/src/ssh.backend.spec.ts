import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BackendError, type ClusterSpec, type ClusterTarget } from '@galera-cp/backends';
import { SshBackend } from './ssh.backend';

const FP = 'SHA256:2nX1q3W5VBE4P8dC4bH0V0x9yqJ3r8o0Z0cS3QeJ6yQ';

function spec(overrides: Partial<NonNullable<ClusterSpec['ssh']>> = {}): ClusterSpec {
  return {
    backend: 'ssh',
    replicas: 3,
    engine: { flavor: 'mariadb', version: '10.11' },
    galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters: {} },
    policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
    ssh: { credentialId: 'cr_1', user: 'root', port: 22, trustOnFirstUse: false, hosts: ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address) => ({ address, hostKeyFingerprint: FP })), ...overrides },
  };
}

function target(members = 3): ClusterTarget {
  return {
    clusterId: 'cl_1',
    name: 'db',
    spec: spec({ hosts: ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'].map((address) => ({ address, hostKeyFingerprint: FP })) }),
    members: Array.from({ length: members }, (_, i) => ({ name: `db-${i}`, ordinal: i, address: `10.0.0.${i + 1}`, role: 'member' as const, phase: 'Member', wsrepState: 'Synced' })),
    settings: { clockSkewMaxMs: 1000, connectTimeoutSeconds: 10, commandTimeoutSeconds: 120 },
  };
}

const signal = new AbortController().signal;

describe('SshBackend', () => {
  const backend = new SshBackend();

  test('capabilities: recovery, removing any member, hosts from an inventory', () => {
    assert.deepEqual(backend.capabilities, { recover: true, removeAnyMember: true, providesHosts: false });
    assert.equal(backend.kind, 'ssh');
  });

  test('validateSpec: the ssh section, user, port, addresses, fingerprints or trust on first use', () => {
    assert.deepEqual(backend.validateSpec(spec()), []);
    assert.deepEqual(
      backend.validateSpec({ ...spec(), ssh: undefined }).map((e) => e.pointer),
      ['/ssh'],
    );
    const bad = backend.validateSpec(spec({ user: 'Root User', port: 0, hosts: [{ address: 'not a host!' }, { address: '10.0.0.2', hostKeyFingerprint: 'MD5:aa' }] }));
    // Three members on two hosts: the inventory's rule is the backend's too.
    assert.deepEqual(
      bad.map((e) => e.pointer),
      ['/ssh/user', '/ssh/port', '/ssh/hosts/0/address', '/ssh/hosts/0/hostKeyFingerprint', '/ssh/hosts/1/hostKeyFingerprint', '/replicas'],
    );
    assert.deepEqual(backend.validateSpec({ ...spec({ trustOnFirstUse: true, hosts: [{ address: 'db1.example.com' }] }), replicas: 1 }), []);
  });

  test('plans that need no host: create, scale out and in, node.add and node.remove, restart, delete', async () => {
    const create = await backend.plan({ ...target(0), spec: { ...target(0).spec, replicas: 3 } }, { type: 'cluster.create' }, { signal });
    assert.equal(create.details.bootstrapNode, 'db-0');
    const out = await backend.plan(target(3), { type: 'cluster.scale', replicas: 5, force: false }, { signal });
    assert.deepEqual(out.details.membersAfter, ['db-0', 'db-1', 'db-2', 'db-3', 'db-4']);
    const scaleIn = await backend.plan(target(5), { type: 'cluster.scale', replicas: 3, force: false }, { signal });
    assert.deepEqual(
      scaleIn.steps.filter((s) => s.key.startsWith('remove:')).map((s) => s.node),
      ['db-4', 'db-3'],
      'the highest ordinals first',
    );
    const add = await backend.plan(target(3), { type: 'node.add', host: { address: '10.0.0.5' }, force: true }, { signal });
    assert.deepEqual(add.details.membersAfter, ['db-0', 'db-1', 'db-2', 'db-3']);
    const remove = await backend.plan(target(5), { type: 'node.remove', node: 'db-1', force: false }, { signal });
    assert.deepEqual(remove.details.membersAfter, ['db-0', 'db-2', 'db-3', 'db-4']);
    assert.equal((await backend.plan(target(3), { type: 'cluster.restart' }, { signal })).steps.length, 8);
    assert.equal((await backend.plan(target(3), { type: 'cluster.delete', purge: false }, { signal })).steps.length, 4);
  });

  test('an unknown step verb is refused before anything connects', async () => {
    await assert.rejects(
      backend.executeStep(target(3), { key: 'x', action: 'ssh.format-disk', title: 'x', params: {} }, { operationId: 'op_1', signal, attempt: 1, outputs: {}, log: () => undefined }),
      (e: unknown) => e instanceof BackendError && e.code === 'STEP_INVALID',
    );
    assert.equal(backend.openSessions, 0);
  });

  test('observing a cluster without members answers Unknown without connecting', async () => {
    const observed = await backend.observe(target(0), { signal });
    assert.equal(observed.condition, 'Unknown');
    await backend.close();
  });
});
