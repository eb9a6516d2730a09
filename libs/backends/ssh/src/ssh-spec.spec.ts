import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterSpec, ClusterSpecDraft, MemberRecord } from '@galera-cp/backends';
import { DomainError } from '@galera-cp/core';
import { addSshMember, checkSshInventory, pinSshHostKeys, SSH_SPEC_RULES, sshCredentialOf, sshSpecDefaults, validateSshSpec } from './ssh-spec';
import { planCreate, planRestart, planStop } from './ssh-plans';

const FP = 'SHA256:2nX1q3W5VBE4P8dC4bH0V0x9yqJ3r8o0Z0cS3QeJ6yQ';

const shared: Omit<ClusterSpec, 'replicas' | 'ssh' | 'kubernetes'> = {
  backend: 'ssh',
  engine: { flavor: 'mariadb', version: '10.11' },
  galera: { sstMethod: 'mariabackup', gcacheSize: '512M', bufferPoolSize: '256M', parameters: {} },
  policy: { autoRecovery: false, deletionProtection: false, donorServesTraffic: false },
};

function spec(hosts: string[], replicas = hosts.length, trustOnFirstUse = false): ClusterSpec {
  return {
    ...shared,
    replicas,
    ssh: { credentialId: 'cr_1', user: 'root', port: 22, trustOnFirstUse, hosts: hosts.map((address) => ({ address, ...(trustOnFirstUse ? {} : { hostKeyFingerprint: FP }) })) },
  };
}

function members(count: number): MemberRecord[] {
  return Array.from({ length: count }, (_, i) => ({ name: `db-${i}`, ordinal: i, address: `10.0.0.${i + 1}`, role: 'member' as const, phase: 'Member', wsrepState: 'Synced' }));
}

function code(error: unknown): string | undefined {
  return error instanceof DomainError ? error.code : undefined;
}

describe('SSH spec rules', () => {
  test('defaults: replicas are the inventory, user root, port 22, no trust on first use; hosts keep only address and pin', () => {
    const draft: ClusterSpecDraft = { ...shared, ssh: { credentialId: 'cr_1', hosts: [{ address: '10.0.0.1', hostKeyFingerprint: FP }, { address: '10.0.0.2', extra: 'x' } as never] } };
    assert.deepEqual(sshSpecDefaults(draft), {
      replicas: 2,
      ssh: { credentialId: 'cr_1', user: 'root', port: 22, trustOnFirstUse: false, hosts: [{ address: '10.0.0.1', hostKeyFingerprint: FP }, { address: '10.0.0.2' }] },
    });
    assert.equal(sshSpecDefaults({ ...draft, replicas: 1 }).replicas, 1, 'a given size stays');
    assert.deepEqual(sshSpecDefaults({ ...shared }), { replicas: 0 }, 'no section: none is made up');
  });

  test('the credential is ssh.credentialId, a private key or a password', () => {
    assert.deepEqual(sshCredentialOf(spec(['10.0.0.1'])), { id: 'cr_1', pointer: '/ssh/credentialId', kinds: ['ssh-private-key', 'ssh-password'] });
    assert.equal(sshCredentialOf({ ...spec([]), ssh: undefined }), undefined);
  });

  test('the inventory: every address once, pinned unless trust on first use, a host per member', () => {
    assert.deepEqual(checkSshInventory(spec(['10.0.0.1', '10.0.0.2', '10.0.0.3'])), []);
    assert.deepEqual(
      checkSshInventory(spec(['10.0.0.1', '10.0.0.1', '10.0.0.3'])).map((e) => e.pointer),
      ['/ssh/hosts/1/address'],
    );
    assert.deepEqual(
      checkSshInventory(spec(['10.0.0.1', '10.0.0.2', '10.0.0.3'], 5)).map((e) => e.detail),
      ['5 members need 5 hosts; ssh.hosts lists 3'],
    );
    const unpinned = spec(['10.0.0.1']);
    delete unpinned.ssh?.hosts[0].hostKeyFingerprint;
    assert.deepEqual(
      checkSshInventory(unpinned).map((e) => e.pointer),
      ['/ssh/hosts/0/hostKeyFingerprint'],
    );
    assert.deepEqual(checkSshInventory(spec(['10.0.0.1'], 1, true)), [], 'trust on first use needs no pin');
    assert.deepEqual(
      validateSshSpec(spec(['10.0.0.1', '10.0.0.2'], 3)).map((e) => e.pointer),
      ['/replicas'],
      'validateSpec includes the inventory rules',
    );
  });

  test('node.add with a host: a new host joins the inventory; a listed host that is no member is reused; a member is refused', () => {
    const base = spec(['10.0.0.1', '10.0.0.2', '10.0.0.3']);
    const grown = addSshMember(base, { host: { address: '10.0.0.9', hostKeyFingerprint: FP } }, members(3));
    assert.deepEqual(
      grown.ssh?.hosts.map((h) => h.address),
      ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.9'],
    );
    assert.equal(base.ssh?.hosts.length, 3, "the caller's spec is not changed");
    assert.deepEqual(addSshMember(base, { host: { address: '10.0.0.3' } }, members(2)).ssh?.hosts.length, 3);
    assert.throws(
      () => addSshMember(base, { host: { address: '10.0.0.2' } }, members(3)),
      (e: unknown) => code(e) === 'HOST_ALREADY_MEMBER',
    );
  });

  test('node.add without a host takes an unused host of the inventory, or is refused with NOT_ENOUGH_HOSTS', () => {
    const base = spec(['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']);
    assert.deepEqual(addSshMember(base, {}, members(3)), base);
    assert.throws(
      () => addSshMember(base, {}, members(4)),
      (e: unknown) => code(e) === 'NOT_ENOUGH_HOSTS' && e instanceof DomainError && e.kind === 'invalid',
    );
  });

  test('host keys learned on first use are pinned on hosts without a pin; a spec without ssh has nowhere to pin', () => {
    const tofu = spec(['10.0.0.1', '10.0.0.2'], 2, true);
    tofu.ssh!.hosts[1].hostKeyFingerprint = 'SHA256:old';
    const pinned = pinSshHostKeys(tofu, [
      { address: '10.0.0.1', fingerprint: FP },
      { address: '10.0.0.2', fingerprint: 'SHA256:new' },
      { address: '10.9.9.9', fingerprint: FP },
    ]);
    assert.deepEqual(pinned?.ssh?.hosts, [
      { address: '10.0.0.1', hostKeyFingerprint: FP },
      { address: '10.0.0.2', hostKeyFingerprint: 'SHA256:old' },
    ]);
    assert.equal(tofu.ssh?.hosts[0].hostKeyFingerprint, undefined, "the caller's spec is not changed");
    assert.equal(pinSshHostKeys({ ...tofu, ssh: undefined }, [{ address: '10.0.0.1', fingerprint: FP }]), undefined);
  });

  test('the rules as one object: grows from an inventory, audits a changed host key', () => {
    assert.equal(SSH_SPEC_RULES.capabilities.providesHosts, false);
    assert.ok(SSH_SPEC_RULES.addMember && SSH_SPEC_RULES.pinHostKeys && SSH_SPEC_RULES.occupiedAddresses);
    assert.equal(SSH_SPEC_RULES.auditedFailures?.HOST_KEY_MISMATCH, 'ssh.host-key-mismatch');
  });
});

describe('SSH plans declare what their steps do to the servers', () => {
  const target = (count: number) => ({
    clusterId: 'cl_1',
    name: 'db',
    spec: spec(['10.0.0.1', '10.0.0.2', '10.0.0.3']),
    members: members(count),
    settings: { clockSkewMaxMs: 1000, connectTimeoutSeconds: 10, commandTimeoutSeconds: 120 },
  });
  const effects = (steps: { node?: string; effect?: string }[]) => steps.filter((s) => s.effect).map((s) => `${s.effect}:${s.node}`);

  test('create: a bootstrap, then starts (joins)', () => {
    assert.deepEqual(effects(planCreate({ ...target(0), members: [] }).steps), ['bootstrap:db-0', 'start:db-1', 'start:db-2']);
  });

  test('restart: one restart per member; stop: one stop per member', () => {
    assert.deepEqual(effects(planRestart(target(3)).steps).sort(), ['restart:db-0', 'restart:db-1', 'restart:db-2']);
    assert.deepEqual(effects(planStop(target(3), new Set(['db-0', 'db-1', 'db-2'])).steps).sort(), ['stop:db-0', 'stop:db-1', 'stop:db-2']);
  });
});
