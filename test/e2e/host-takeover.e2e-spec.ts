// Two live cluster records on the same hosts: a create (or node.add) on addresses another live
// record holds is refused with 409 HOSTS_HELD_BY_OTHER_CLUSTER (dry runs too) unless it says
// takeover: true, which is audited. The backend says which addresses a spec occupies.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ClusterSpec } from '@galera-cp/backends';
import { DeterministicBackend, DeterministicInfrastructure } from '../support/deterministic-backend';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { startTestApp, TestApp, waitForOperation } from '../support/test-app';

/** The deterministic backend, claiming its inventory as the SSH backend does. */
class InventoryBackend extends DeterministicBackend {
  occupiedAddresses(spec: ClusterSpec): string[] {
    return (spec.ssh?.hosts ?? []).map((h) => h.address);
  }
}

describe('hosts held by another live cluster record need an explicit takeover', () => {
  let app: TestApp;
  let credentialId: string;
  let first: string;

  before(async () => {
    const backend = new InventoryBackend(new DeterministicInfrastructure(mkdtempSync(join(tmpdir(), 'gcp-takeover-'))));
    app = await startTestApp({ backends: { ssh: backend } });
    credentialId = await createKeyCredential(app);
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('first', credentialId) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    first = created.body.clusterId;
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
  });
  after(() => app.close());

  test('a create on those hosts is refused with 409 naming the other cluster and the addresses, in a dry run too; nothing is created', async () => {
    for (const path of ['/v1/clusters', '/v1/clusters?dryRun=true']) {
      const refused = await app.call('POST', path, { body: sshClusterBody('second', credentialId) });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'HOSTS_HELD_BY_OTHER_CLUSTER');
      assert.match(refused.body.detail, new RegExp(`10\\.99\\.0\\.10, 10\\.99\\.0\\.11, 10\\.99\\.0\\.12 \\(cluster first, ${first}\\)`));
      assert.deepEqual(refused.body.clusters, [{ clusterId: first, name: 'first', addresses: ['10.99.0.10', '10.99.0.11', '10.99.0.12'] }]);
    }
    const list = await app.call('GET', '/v1/clusters?name=second');
    assert.equal(list.body.items.length, 0);
    const partly = await app.call('POST', '/v1/clusters?dryRun=true', {
      body: {
        ...sshClusterBody('second', credentialId),
        ssh: { credentialId, hosts: ['10.99.0.12', '10.99.0.40', '10.99.0.41'].map((address) => ({ address, hostKeyFingerprint: sshClusterBody('x', credentialId).ssh.hosts[0].hostKeyFingerprint })) },
      },
    });
    assert.equal(partly.status, 409);
    assert.deepEqual(partly.body.clusters[0].addresses, ['10.99.0.12'], 'only the shared address is named');
    const invalid = await app.call('POST', '/v1/clusters', { body: sshClusterBody('second', credentialId, 3, { takeover: 'yes' }) });
    assert.equal(invalid.status, 400);
  });

  test('with takeover: true the plan warns, the create starts, and the takeover is audited naming the other cluster', async () => {
    const plan = await app.call('POST', '/v1/clusters?dryRun=true', { body: sshClusterBody('second', credentialId, 3, { takeover: true }) });
    assert.equal(plan.status, 200, JSON.stringify(plan.body));
    assert.ok(
      plan.body.details.warnings.some((w: string) => w.startsWith('takeover: 10.99.0.10, 10.99.0.11, 10.99.0.12 of cluster first')),
      JSON.stringify(plan.body.details.warnings),
    );
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('second', credentialId, 3, { takeover: true }) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    const audit = await app.call('GET', '/v1/audit?pageSize=200');
    const takeover = audit.body.items.find((r: { action: string }) => r.action === 'cluster.takeover');
    assert.ok(takeover, 'a cluster.takeover record');
    assert.equal(takeover.targetId, created.body.clusterId);
    assert.deepEqual(takeover.detail.from, [{ clusterId: first, name: 'first', addresses: ['10.99.0.10', '10.99.0.11', '10.99.0.12'] }]);
  });

  test('node.add of a host another cluster holds is refused unless it takes it over', async () => {
    const third = await app.call('POST', '/v1/clusters', {
      body: {
        ...sshClusterBody('third', credentialId),
        ssh: { credentialId, hosts: ['10.99.1.10', '10.99.1.11', '10.99.1.12'].map((address) => ({ address, hostKeyFingerprint: sshClusterBody('x', credentialId).ssh.hosts[0].hostKeyFingerprint })) },
      },
    });
    assert.equal(third.status, 202, JSON.stringify(third.body));
    assert.equal((await waitForOperation(app, third.body.id)).state, 'SUCCEEDED');
    const host = { address: '10.99.0.10', hostKeyFingerprint: sshClusterBody('x', credentialId).ssh.hosts[0].hostKeyFingerprint };
    for (const path of [`/v1/clusters/${third.body.clusterId}/nodes`, `/v1/clusters/${third.body.clusterId}/nodes?dryRun=true`]) {
      const refused = await app.call('POST', path, { body: { host, force: true } });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.code, 'HOSTS_HELD_BY_OTHER_CLUSTER');
      assert.deepEqual(
        refused.body.clusters.map((c: { name: string }) => c.name),
        ['first', 'second'],
      );
    }
    const added = await app.call('POST', `/v1/clusters/${third.body.clusterId}/nodes`, { body: { host, force: true, takeover: true } });
    assert.equal(added.status, 202, JSON.stringify(added.body));
    assert.equal((await waitForOperation(app, added.body.id)).state, 'SUCCEEDED');
  });
});
