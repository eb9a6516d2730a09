import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';

describe('clusters: create, read, list, update, scale, delete', () => {
  let app: TestApp;
  let credentialId: string;

  before(async () => {
    app = await startTestApp();
    credentialId = await createKeyCredential(app);
  });
  after(() => app.close());

  test('create answers 202 with the operation and Location; the cluster exists at once as CREATING, then READY', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('alpha', credentialId) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal(created.body.type, 'cluster.create');
    assert.match(created.body.id, /^op_/);
    assert.equal(created.headers.get('location'), `/v1/operations/${created.body.id}`);
    const clusterId = created.body.clusterId as string;
    assert.match(clusterId, /^cl_/);

    const early = await app.call('GET', `/v1/clusters/${clusterId}`);
    assert.equal(early.status, 200);
    assert.ok(['CREATING', 'READY'].includes(early.body.status.state));

    const done = await waitForOperation(app, created.body.id);
    assert.equal(done.state, 'SUCCEEDED', JSON.stringify(done.error));
    assert.equal(done.progress, 100);
    assert.equal(done.result.type, 'cluster.create');
    assert.equal(done.result.bootstrapNode, 'alpha-0');
    assert.deepEqual(
      done.result.members.map((m: { name: string }) => m.name),
      ['alpha-0', 'alpha-1', 'alpha-2'],
    );
    assert.deepEqual(
      done.steps.map((s: { state: string }) => s.state),
      ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'],
    );

    const cluster = await app.call('GET', `/v1/clusters/${clusterId}`);
    assert.equal(cluster.body.status.state, 'READY');
    assert.equal(cluster.body.status.activeOperationId, null);
    assert.equal(cluster.body.status.observedGeneration, 1);
    assert.equal(cluster.headers.get('etag'), '"1"');
    assert.equal(cluster.body.spec.galera.sstMethod, 'mariabackup', 'the safe default SST method');
    const ready = cluster.body.status.conditions.find((c: { type: string }) => c.type === 'Ready');
    assert.equal(ready.status, 'True');

    const nodes = await app.call('GET', `/v1/clusters/${clusterId}/nodes`);
    assert.equal(nodes.body.items.length, 3);
    assert.deepEqual(
      nodes.body.items.map((n: { address: string }) => n.address),
      ['10.99.0.10', '10.99.0.11', '10.99.0.12'],
    );
    const node = await app.call('GET', `/v1/clusters/${clusterId}/nodes/${nodes.body.items[1].id}`);
    assert.equal(node.body.name, 'alpha-1');
    assert.equal(node.body.wsrepState, 'Synced');
  });

  test('a dry run answers the plan and changes nothing', async () => {
    const before = await app.call('GET', '/v1/clusters');
    const plan = await app.call('POST', '/v1/clusters?dryRun=true', { body: sshClusterBody('dry', credentialId) });
    assert.equal(plan.status, 200);
    assert.equal(plan.body.dryRun, true);
    assert.equal(plan.body.operationType, 'cluster.create');
    assert.equal(plan.body.details.bootstrapNode, 'dry-0');
    assert.ok(plan.body.steps.length >= 3);
    const afterList = await app.call('GET', '/v1/clusters');
    assert.equal(afterList.body.items.length, before.body.items.length);
    const operations = await app.call('GET', '/v1/operations?type=cluster.create');
    assert.ok(!operations.body.items.some((o: { clusterId: string }) => afterList.body.items.every((c: { id: string }) => c.id !== o.clusterId)));
  });

  test('bad input is refused with pointers and changes nothing', async () => {
    const count = async () => (await app.call('GET', '/v1/clusters')).body.items.length;
    const n = await count();
    const even = await app.call('POST', '/v1/clusters', { body: sshClusterBody('even', credentialId, 4) });
    assert.equal(even.status, 400);
    assert.equal(even.body.code, 'CLUSTER_SIZE_UNSAFE');
    assert.equal(even.body.errors[0].pointer, '/replicas');
    const missingCredential = await app.call('POST', '/v1/clusters', { body: sshClusterBody('nocred', 'cr_00000000000000000000000000') });
    assert.equal(missingCredential.status, 400);
    assert.equal(missingCredential.body.code, 'CREDENTIAL_NOT_FOUND');
    const noPin = await app.call('POST', '/v1/clusters', {
      body: { name: 'nopin', backend: 'ssh', ssh: { credentialId, hosts: [{ address: '10.0.0.1' }, { address: '10.0.0.2' }, { address: '10.0.0.3' }] } },
    });
    assert.equal(noPin.status, 400);
    assert.equal(noPin.body.errors[0].pointer, '/ssh/hosts/0/hostKeyFingerprint');
    const badParam = await app.call('POST', '/v1/clusters', { body: sshClusterBody('badparam', credentialId, 3, { galera: { parameters: { innodb_flush_log_at_trx_commit: 2 } } }) });
    assert.equal(badParam.status, 400);
    assert.equal(badParam.body.errors[0].pointer, '/galera/parameters/innodb_flush_log_at_trx_commit');
    const wrongSection = await app.call('POST', '/v1/clusters', { body: { ...sshClusterBody('wrong', credentialId), kubernetes: { namespace: 'x' } } });
    assert.equal(wrongSection.status, 400);
    assert.equal(await count(), n);
  });

  test('forced unsafe sizes are accepted and the plan says why', async () => {
    const plan = await app.call('POST', '/v1/clusters?dryRun=true', { body: sshClusterBody('duo', credentialId, 2, { force: true }) });
    assert.equal(plan.status, 200);
    assert.match(plan.body.details.warnings.join(' '), /two voters/);
  });

  test('names are unique among live clusters', async () => {
    const first = await app.call('POST', '/v1/clusters', { body: sshClusterBody('twin', credentialId) });
    assert.equal(first.status, 202);
    const second = await app.call('POST', '/v1/clusters', { body: sshClusterBody('twin', credentialId) });
    assert.equal(second.status, 409);
    assert.equal(second.body.code, 'CLUSTER_NAME_TAKEN');
    await waitForOperation(app, first.body.id);
  });

  test('PATCH honours If-Match (412 on a stale ETag) and bumps the generation on a policy change', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('patchy', credentialId) });
    await waitForOperation(app, created.body.id);
    const id = created.body.clusterId;
    const stale = await app.call('PATCH', `/v1/clusters/${id}`, { body: { labels: { team: 'a' } }, headers: { 'if-match': '"7"' } });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.code, 'PRECONDITION_FAILED');
    const unchanged = await app.call('GET', `/v1/clusters/${id}`);
    assert.deepEqual(unchanged.body.labels, {});
    const ok = await app.call('PATCH', `/v1/clusters/${id}`, { body: { labels: { team: 'a' }, policy: { deletionProtection: true } }, headers: { 'if-match': '"1"' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('etag'), '"2"');
    assert.deepEqual(ok.body.labels, { team: 'a' });
    assert.equal(ok.body.spec.policy.deletionProtection, true);
    const protectedDelete = await app.call('DELETE', `/v1/clusters/${id}`);
    assert.equal(protectedDelete.status, 409);
    assert.equal(protectedDelete.body.code, 'DELETION_PROTECTED');
    const unknownField = await app.call('PATCH', `/v1/clusters/${id}`, { body: { replicas: 5 } });
    assert.equal(unknownField.status, 400);
    assert.equal(unknownField.body.errors[0].pointer, '/replicas');
  });

  test('scale out and in: quorum guard, members and a typed result', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('scaly', credentialId, 5, { replicas: 3 }) });
    await waitForOperation(app, created.body.id);
    const id = created.body.clusterId;
    const even = await app.call('POST', `/v1/clusters/${id}/scale`, { body: { replicas: 4 } });
    assert.equal(even.status, 400);
    assert.equal(even.body.code, 'CLUSTER_SIZE_UNSAFE');
    const tooMany = await app.call('POST', `/v1/clusters/${id}/scale`, { body: { replicas: 7 } });
    assert.equal(tooMany.status, 400);
    assert.match(tooMany.body.detail, /7 members need 7 hosts/);

    const out = await app.call('POST', `/v1/clusters/${id}/scale`, { body: { replicas: 5 } });
    assert.equal(out.status, 202);
    const scaled = await waitForOperation(app, out.body.id);
    assert.equal(scaled.state, 'SUCCEEDED');
    assert.deepEqual(scaled.result.addedNodes, ['scaly-3', 'scaly-4']);
    assert.equal(scaled.result.toReplicas, 5);
    const cluster = await app.call('GET', `/v1/clusters/${id}`);
    assert.equal(cluster.body.spec.replicas, 5);
    assert.equal(cluster.body.generation, 2);
    assert.equal(cluster.body.status.observedGeneration, 2);

    const back = await app.call('POST', `/v1/clusters/${id}/scale`, { body: { replicas: 3 } });
    const shrunk = await waitForOperation(app, back.body.id);
    assert.deepEqual(shrunk.result.removedNodes.sort(), ['scaly-3', 'scaly-4']);
    const nodes = await app.call('GET', `/v1/clusters/${id}/nodes`);
    assert.deepEqual(
      nodes.body.items.map((n: { name: string }) => n.name),
      ['scaly-0', 'scaly-1', 'scaly-2'],
    );
    const same = await app.call('POST', `/v1/clusters/${id}/scale`, { body: { replicas: 3 } });
    assert.equal(same.status, 409);
    assert.equal(same.body.code, 'NO_CHANGE');
  });

  test('removing members never loses quorum', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('fragile', credentialId) });
    await waitForOperation(app, created.body.id);
    const id = created.body.clusterId;
    // Two members down (observed by the monitor's rule) leaves one healthy of three.
    app.infrastructure.script('fragile', { unhealthy: ['fragile-1', 'fragile-2'] });
    const restart = await app.call('POST', `/v1/clusters/${id}/restart`, { body: {} });
    assert.equal(restart.status, 202, JSON.stringify(restart.body));
    await waitForOperation(app, restart.body.id);
    // The operation's end triggers one observation of the cluster, just after its commit.
    const nodes = await eventually(async () => {
      const answer = await app.call('GET', `/v1/clusters/${id}/nodes`);
      return answer.body.items.filter((n: { healthy: boolean }) => !n.healthy).length === 2 ? answer : undefined;
    });
    assert.deepEqual(
      nodes.body.items.map((n: { healthy: boolean }) => n.healthy),
      [true, false, false],
    );
    assert.equal((await app.call('GET', `/v1/clusters/${id}`)).body.status.state, 'DEGRADED');
    const remove = await app.call('DELETE', `/v1/clusters/${id}/nodes/${nodes.body.items[0].id}?force=true`);
    assert.equal(remove.status, 409);
    assert.equal(remove.body.code, 'NO_DATA_NODE_WOULD_REMAIN');
  });

  test('lists are keyset-paginated with opaque tokens', async () => {
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const page: { body: { items: { id: string }[]; nextPageToken: string | null } } = await app.call('GET', `/v1/clusters?pageSize=2${token ? `&pageToken=${encodeURIComponent(token)}` : ''}`);
      seen.push(...page.body.items.map((c) => c.id));
      token = page.body.nextPageToken;
      pages += 1;
    } while (token && pages < 20);
    const all = await app.call('GET', '/v1/clusters?pageSize=200');
    assert.deepEqual(
      seen,
      all.body.items.map((c: { id: string }) => c.id),
    );
    assert.ok(pages >= 3);
    const byName = await app.call('GET', '/v1/clusters?name=scaly');
    assert.deepEqual(
      byName.body.items.map((c: { name: string }) => c.name),
      ['scaly'],
    );
    const bad = await app.call('GET', '/v1/clusters?pageToken=nope');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'INVALID_PAGE_TOKEN');
    const first = await app.call('GET', '/v1/clusters?pageSize=1');
    const otherFilter = await app.call('GET', `/v1/clusters?pageSize=1&state=READY&pageToken=${encodeURIComponent(first.body.nextPageToken)}`);
    assert.equal(otherFilter.status, 400, 'a token is bound to the filters it was made for');
  });

  test('delete: cluster.delete operation, then the cluster is gone and its name free again', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('doomed', credentialId) });
    await waitForOperation(app, created.body.id);
    const id = created.body.clusterId;
    const deletion = await app.call('DELETE', `/v1/clusters/${id}?purge=true`);
    assert.equal(deletion.status, 202);
    const done = await waitForOperation(app, deletion.body.id);
    assert.equal(done.state, 'SUCCEEDED');
    assert.deepEqual(done.result, { type: 'cluster.delete', purged: true, forgotten: false });
    assert.equal((await app.call('GET', `/v1/clusters/${id}`)).status, 404);
    const again = await app.call('POST', '/v1/clusters?dryRun=true', { body: sshClusterBody('doomed', credentialId) });
    assert.equal(again.status, 200);
  });

  test('delete with forget=true: only the record goes, no step runs on the infrastructure; not with purge', async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('forgotten', credentialId) });
    await waitForOperation(app, created.body.id);
    const id = created.body.clusterId;
    const effectsBefore = app.infrastructure.effects('forgotten');
    assert.ok(effectsBefore.length > 0, 'the create ran steps');

    const both = await app.call('DELETE', `/v1/clusters/${id}?forget=true&purge=true`);
    assert.equal(both.status, 400);
    assert.equal(both.body.code, 'VALIDATION_FAILED');
    assert.equal(both.body.errors[0].pointer, '/forget');
    const preview = await app.call('DELETE', `/v1/clusters/${id}?forget=true&dryRun=true`);
    assert.equal(preview.status, 200);
    assert.deepEqual(preview.body.steps, []);
    assert.match(preview.body.summary, /record only/);

    const deletion = await app.call('DELETE', `/v1/clusters/${id}?forget=true`);
    assert.equal(deletion.status, 202);
    const done = await waitForOperation(app, deletion.body.id);
    assert.equal(done.state, 'SUCCEEDED');
    assert.deepEqual(done.result, { type: 'cluster.delete', purged: false, forgotten: true });
    assert.deepEqual(done.steps, []);
    assert.deepEqual(app.infrastructure.effects('forgotten'), effectsBefore, 'nothing was done on the infrastructure');
    assert.equal((await app.call('GET', `/v1/clusters/${id}`)).status, 404);
  });

  test("a cluster's operations page as GET /v1/operations does: 50 by default, at most 200, as documented", async () => {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('paged', credentialId) });
    await waitForOperation(app, created.body.id);
    const path = `/v1/clusters/${created.body.clusterId}/operations`;
    const auth = { type: 'bearer' } as const;
    await app.request().get(`${path}?pageSize=200`).auth(app.adminToken, auth).expect(200);
    const tooMany = await app.request().get(`${path}?pageSize=201`).auth(app.adminToken, auth).expect(400);
    assert.equal(tooMany.body.code, 'VALIDATION_FAILED');
    const documented = (await app.request().get('/openapi.json').expect(200)).body.paths['/v1/clusters/{id}/operations'].get.parameters.find((p: { name: string }) => p.name === 'pageSize');
    assert.deepEqual([documented.schema.default, documented.schema.maximum], [50, 200]);
  });
});
