import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKeyCredential, FAKE_FINGERPRINT, sshClusterBody } from '../support/fixtures';
import { eventually, startTestApp, TestApp, waitForOperation } from '../support/test-app';

/**
 * Dry runs are honest: for every mutating endpoint, a dry run runs the checks of the real call
 * (one code path; only the writes are rolled back), so where the real call is refused the dry
 * run is refused with the same status and code, and changes nothing. A viewer may dry-run every
 * mutating endpoint (the real call still needs its role), and every dry run is audited as one.
 */
describe('dry runs: the same checks as the real call, open to viewers', () => {
  let app: TestApp;
  let credentialId: string;
  let viewer: string;
  let operator: string;
  let busyId: string;
  let idleId: string;
  let createOperationId: string;
  let runningId: string;
  let busyNodeId: string;
  let webhookId: string;

  async function readyCluster(name: string): Promise<{ clusterId: string; operationId: string }> {
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody(name, credentialId, 5, { replicas: 3 }) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const done = await waitForOperation(app, created.body.id);
    assert.equal(done.state, 'SUCCEEDED');
    return { clusterId: created.body.clusterId, operationId: created.body.id };
  }

  before(async () => {
    app = await startTestApp({ env: { OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32' } });
    credentialId = await createKeyCredential(app);
    viewer = await app.token('viewer', 'portal-viewer');
    operator = await app.token('operator', 'portal-operator');
    ({ clusterId: busyId, operationId: createOperationId } = await readyCluster('busy'));
    ({ clusterId: idleId } = await readyCluster('idle'));
    busyNodeId = (await app.call('GET', `/v1/clusters/${busyId}/nodes`)).body.items[2].id;
    const hook = await app.call('POST', '/v1/webhooks', { token: operator, body: { url: 'http://127.0.0.1:9/hooks/private-path', events: ['cluster.'], description: 'ops channel' } });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    webhookId = hook.body.id;
    // A long operation keeps `busy` busy for the whole suite.
    app.infrastructure.script('busy', { stepDelayMs: 120_000 });
    const restart = await app.call('POST', `/v1/clusters/${busyId}/restart`, { body: {} });
    assert.equal(restart.status, 202);
    runningId = restart.body.id;
    await eventually(async () => ((await app.call('GET', `/v1/operations/${runningId}`)).body.state === 'RUNNING' ? true : undefined), { what: 'the restart to run' });
  });
  after(async () => {
    if (runningId) {
      await app.call('POST', `/v1/operations/${runningId}/cancel`, { body: {} });
      await waitForOperation(app, runningId);
    }
    await app?.close();
  });

  /** Everything a mutation could change, except the audit trail (which records the attempts). */
  async function snapshot(): Promise<string> {
    const clusters = (await app.call('GET', '/v1/clusters')).body.items.map(
      (c: { id: string; spec: unknown; generation: number; labels: unknown; status: { state: string; activeOperationId: string | null; size: unknown } }) => [
        c.id,
        c.spec,
        c.generation,
        c.labels,
        c.status.state,
        c.status.activeOperationId,
        c.status.size,
      ],
    );
    const nodes = await Promise.all([busyId, idleId].map(async (id) => (await app.call('GET', `/v1/clusters/${id}/nodes`)).body.items.map((n: { id: string; name: string }) => [n.id, n.name])));
    const operations = (await app.call('GET', '/v1/operations?pageSize=100')).body.items.map((o: { id: string; state: string; approval: unknown; cancelRequestedBy: string | null }) => [
      o.id,
      o.state,
      o.approval,
      o.cancelRequestedBy,
    ]);
    const credentials = (await app.call('GET', '/v1/credentials')).body.items.map((c: { id: string }) => c.id);
    const tokens = (await app.call('GET', '/v1/tokens')).body.items.map((t: { id: string; revokedAt: string | null }) => [t.id, t.revokedAt]);
    const webhooks = (await app.call('GET', '/v1/webhooks')).body.items;
    return JSON.stringify({ clusters, nodes, operations, credentials, tokens, webhooks });
  }

  const withDryRun = (path: string) => `${path}${path.includes('?') ? '&' : '?'}dryRun=true`;

  interface Row {
    name: string;
    method: string;
    path: () => string;
    body?: () => unknown;
    headers?: Record<string, string>;
    status: number;
    code: string;
  }

  // One row per mutating endpoint, each in a state where the real call is refused.
  const refused: Row[] = [
    { name: 'create (name taken)', method: 'POST', path: () => '/v1/clusters', body: () => sshClusterBody('busy', credentialId), status: 409, code: 'CLUSTER_NAME_TAKEN' },
    {
      name: 'PATCH (stale If-Match)',
      method: 'PATCH',
      path: () => `/v1/clusters/${busyId}`,
      body: () => ({ labels: { tier: 'gold' } }),
      headers: { 'if-match': '"999"' },
      status: 412,
      code: 'PRECONDITION_FAILED',
    },
    { name: 'delete (operation running)', method: 'DELETE', path: () => `/v1/clusters/${busyId}`, status: 409, code: 'OPERATION_IN_PROGRESS' },
    { name: 'scale (operation running)', method: 'POST', path: () => `/v1/clusters/${busyId}/scale`, body: () => ({ replicas: 5 }), status: 409, code: 'OPERATION_IN_PROGRESS' },
    {
      name: 'scale (stale If-Match)',
      method: 'POST',
      path: () => `/v1/clusters/${idleId}/scale`,
      body: () => ({ replicas: 5 }),
      headers: { 'if-match': '"999"' },
      status: 412,
      code: 'PRECONDITION_FAILED',
    },
    { name: 'scale (quorum: below 3 without force)', method: 'POST', path: () => `/v1/clusters/${idleId}/scale`, body: () => ({ replicas: 2 }), status: 400, code: 'CLUSTER_SIZE_UNSAFE' },
    { name: 'restart (operation running)', method: 'POST', path: () => `/v1/clusters/${busyId}/restart`, body: () => ({}), status: 409, code: 'OPERATION_IN_PROGRESS' },
    { name: 'stop (operation running)', method: 'POST', path: () => `/v1/clusters/${busyId}/stop`, body: () => ({}), status: 409, code: 'OPERATION_IN_PROGRESS' },
    { name: 'start (not stopped)', method: 'POST', path: () => `/v1/clusters/${idleId}/start`, body: () => ({}), status: 409, code: 'CLUSTER_STATE_CONFLICT' },
    { name: 'recover (operation running)', method: 'POST', path: () => `/v1/clusters/${busyId}/recover`, body: () => ({ approve: true }), status: 409, code: 'OPERATION_IN_PROGRESS' },
    {
      name: 'reconfigure (operation running)',
      method: 'POST',
      path: () => `/v1/clusters/${busyId}/reconfigure`,
      body: () => ({ parameters: { max_connections: 500 } }),
      status: 409,
      code: 'OPERATION_IN_PROGRESS',
    },
    {
      name: 'node add (operation running)',
      method: 'POST',
      path: () => `/v1/clusters/${busyId}/nodes`,
      body: () => ({ host: { address: '10.99.0.40', hostKeyFingerprint: FAKE_FINGERPRINT }, force: true }),
      status: 409,
      code: 'OPERATION_IN_PROGRESS',
    },
    { name: 'node remove (operation running)', method: 'DELETE', path: () => `/v1/clusters/${busyId}/nodes/${busyNodeId}?force=true`, status: 409, code: 'OPERATION_IN_PROGRESS' },
    { name: 'cancel (already finished)', method: 'POST', path: () => `/v1/operations/${createOperationId}/cancel`, body: () => ({}), status: 409, code: 'OPERATION_FINISHED' },
    { name: 'approve (no approval needed)', method: 'POST', path: () => `/v1/operations/${runningId}/approve`, body: () => ({}), status: 409, code: 'APPROVAL_NOT_REQUIRED' },
    { name: 'retry (succeeded)', method: 'POST', path: () => `/v1/operations/${createOperationId}/retry`, body: () => ({}), status: 409, code: 'OPERATION_NOT_RETRYABLE' },
    {
      name: 'credential create (not a key)',
      method: 'POST',
      path: () => '/v1/credentials',
      body: () => ({ name: 'bad-key', kind: 'ssh-private-key', privateKey: 'x'.repeat(40) }),
      status: 400,
      code: 'INVALID_CREDENTIAL',
    },
    { name: 'credential delete (in use)', method: 'DELETE', path: () => `/v1/credentials/${credentialId}`, status: 409, code: 'CREDENTIAL_IN_USE' },
    {
      name: 'token create (expired)',
      method: 'POST',
      path: () => '/v1/tokens',
      body: () => ({ name: 'late', role: 'viewer', expiresAt: '2001-01-01T00:00:00Z' }),
      status: 400,
      code: 'VALIDATION_FAILED',
    },
    { name: 'token revoke (no such token)', method: 'DELETE', path: () => '/v1/tokens/tk_00000000000000000000000000', status: 404, code: 'TOKEN_NOT_FOUND' },
    {
      name: 'webhook create (refused target)',
      method: 'POST',
      path: () => '/v1/webhooks',
      body: () => ({ url: 'http://169.254.169.254/latest', events: ['cluster.'] }),
      status: 400,
      code: 'WEBHOOK_TARGET_REFUSED',
    },
    { name: 'webhook update (no such webhook)', method: 'PATCH', path: () => '/v1/webhooks/wh_00000000000000000000000000', body: () => ({ enabled: false }), status: 404, code: 'WEBHOOK_NOT_FOUND' },
    { name: 'webhook delete (no such webhook)', method: 'DELETE', path: () => '/v1/webhooks/wh_00000000000000000000000000', status: 404, code: 'WEBHOOK_NOT_FOUND' },
    { name: 'webhook test (no such webhook)', method: 'POST', path: () => '/v1/webhooks/wh_00000000000000000000000000/test', body: () => ({}), status: 404, code: 'WEBHOOK_NOT_FOUND' },
  ];

  for (const row of refused) {
    test(`${row.name}: the dry run is refused as the real call is, for an operator and a viewer, and changes nothing`, async () => {
      const call = (path: string, token?: string) =>
        app.call(row.method, path, { ...(token ? { token } : {}), ...(row.body ? { body: row.body() } : {}), ...(row.headers ? { headers: row.headers } : {}) });
      const before = await snapshot();
      const dry = await call(withDryRun(row.path()));
      assert.deepEqual([dry.status, dry.body.code], [row.status, row.code], `dry run: ${JSON.stringify(dry.body)}`);
      const viewerDry = await call(withDryRun(row.path()), viewer);
      assert.deepEqual([viewerDry.status, viewerDry.body.code], [row.status, row.code], `a viewer's dry run gets the same refusal: ${JSON.stringify(viewerDry.body)}`);
      assert.equal(await snapshot(), before, 'the dry runs changed nothing');
      const real = await call(row.path());
      assert.deepEqual([real.status, real.body.code], [dry.status, dry.body.code], `the real call: ${JSON.stringify(real.body)}`);
      const viewerReal = await call(row.path(), viewer);
      assert.deepEqual([viewerReal.status, viewerReal.body.code], [403, 'FORBIDDEN'], 'the real call still needs its role');
      assert.equal(await snapshot(), before, 'the refused calls changed nothing');
    });
  }

  test('a viewer previews changes (plans and checks), nothing changes, the real calls are 403, and each preview is audited as a dry run', async () => {
    const spareCredential = await createKeyCredential(app, 'spare-key');
    const spareToken = (await app.call('POST', '/v1/tokens', { body: { name: 'spare-token', role: 'viewer' } })).body.id;
    const idleNodeId = (await app.call('GET', `/v1/clusters/${idleId}/nodes`)).body.items[2].id;
    const before = await snapshot();
    const previews: { method: string; path: string; body?: unknown; status: number }[] = [
      { method: 'POST', path: '/v1/clusters', body: sshClusterBody('preview', credentialId), status: 200 },
      { method: 'PATCH', path: `/v1/clusters/${idleId}`, body: { labels: { tier: 'gold' } }, status: 200 },
      { method: 'POST', path: `/v1/clusters/${idleId}/scale`, body: { replicas: 5 }, status: 200 },
      { method: 'POST', path: `/v1/clusters/${idleId}/restart`, body: {}, status: 200 },
      { method: 'POST', path: `/v1/clusters/${idleId}/reconfigure`, body: { parameters: { max_connections: 500 } }, status: 200 },
      { method: 'DELETE', path: `/v1/clusters/${idleId}`, status: 200 },
      { method: 'POST', path: `/v1/operations/${runningId}/cancel`, body: {}, status: 200 },
      { method: 'POST', path: '/v1/credentials', body: { name: 'preview-pass', kind: 'ssh-password', password: 'hunter2-secret' }, status: 200 },
      { method: 'POST', path: '/v1/tokens', body: { name: 'preview-token', role: 'admin' }, status: 200 },
      { method: 'POST', path: '/v1/webhooks', body: { url: 'http://127.0.0.1:9/hooks/other', events: ['cluster.'], secret: 'webhook-secret-value-1234' }, status: 200 },
      { method: 'PATCH', path: `/v1/webhooks/${webhookId}`, body: { enabled: false }, status: 200 },
      { method: 'POST', path: `/v1/webhooks/${webhookId}/test`, body: {}, status: 200 },
      { method: 'DELETE', path: `/v1/webhooks/${webhookId}`, status: 204 },
      { method: 'DELETE', path: `/v1/credentials/${spareCredential}`, status: 204 },
      { method: 'DELETE', path: `/v1/tokens/${spareToken}`, status: 200 },
      { method: 'POST', path: `/v1/clusters/${idleId}/nodes`, body: { force: true }, status: 200 },
      { method: 'DELETE', path: `/v1/clusters/${idleId}/nodes/${idleNodeId}?force=true`, status: 200 },
      { method: 'POST', path: `/v1/clusters/${idleId}/stop`, body: {}, status: 200 },
      { method: 'POST', path: `/v1/clusters/${idleId}/recover`, body: { approve: true }, status: 200 },
    ];
    for (const preview of previews) {
      const dry = await app.call(preview.method, withDryRun(preview.path), { token: viewer, ...(preview.body ? { body: preview.body } : {}) });
      assert.equal(dry.status, preview.status, `${preview.method} ${preview.path}: ${JSON.stringify(dry.body)}`);
      const operatorDry = await app.call(preview.method, withDryRun(preview.path), { token: operator, ...(preview.body ? { body: preview.body } : {}) });
      assert.equal(operatorDry.status, dry.status, `${preview.method} ${preview.path}: an operator's dry run answers the same`);
      const real = await app.call(preview.method, preview.path, { token: viewer, ...(preview.body ? { body: preview.body } : {}) });
      assert.deepEqual([real.status, real.body.code], [403, 'FORBIDDEN'], `${preview.method} ${preview.path}: the real call needs its role`);
      const text = JSON.stringify(dry.body ?? '');
      for (const secret of ['hunter2-secret', 'webhook-secret-value-1234', 'private-path', 'ops channel', 'gcp_'])
        assert.ok(!text.includes(secret), `${preview.method} ${preview.path}: the preview shows no secret (${secret})`);
    }
    const scalePlan = await app.call('POST', withDryRun(`/v1/clusters/${idleId}/scale`), { token: viewer, body: { replicas: 5 } });
    assert.equal(scalePlan.body.dryRun, true);
    assert.equal(scalePlan.body.operationType, 'cluster.scale');
    assert.ok(scalePlan.body.steps.length > 0, 'a viewer sees the plan');
    const tokenPreview = await app.call('POST', withDryRun('/v1/tokens'), { token: viewer, body: { name: 'preview-token', role: 'admin' } });
    assert.equal(tokenPreview.body.token, undefined, 'no token is issued');
    assert.match(tokenPreview.body.prefix, /redacted/);
    const hookPreview = await app.call('PATCH', withDryRun(`/v1/webhooks/${webhookId}`), { token: viewer, body: { enabled: false } });
    assert.match(hookPreview.body.url, /redacted/, 'a viewer does not read the webhook URL');
    assert.equal(hookPreview.body.enabled, false);
    const operatorHookPreview = await app.call('PATCH', withDryRun(`/v1/webhooks/${webhookId}`), { token: operator, body: { enabled: false } });
    assert.equal(operatorHookPreview.body.url, 'http://127.0.0.1:9/hooks/private-path', 'an operator reads it, as on GET');
    assert.equal(await snapshot(), before, 'the previews changed nothing');

    const audit = await app.call('GET', '/v1/audit?pageSize=200');
    assert.equal(audit.status, 200);
    const viewerRecords = audit.body.items.filter((r: { actorName: string | null; actor: string }) => r.actorName === 'portal-viewer');
    for (const action of [
      'cluster.create',
      'cluster.update',
      'cluster.scale',
      'cluster.restart',
      'cluster.stop',
      'cluster.recover',
      'cluster.reconfigure',
      'cluster.delete',
      'node.add',
      'node.remove',
      'operation.cancel',
      'credential.create',
      'credential.delete',
      'token.create',
      'token.revoke',
      'webhook.create',
      'webhook.update',
      'webhook.test',
      'webhook.delete',
    ]) {
      assert.ok(
        viewerRecords.some((r: { action: string; outcome: string }) => r.action === `${action}.dry-run` && r.outcome === 'succeeded'),
        `the viewer's ${action} preview is audited as a dry run`,
      );
    }
    assert.ok(
      viewerRecords.some((r: { action: string; outcome: string }) => r.action === 'cluster.scale.dry-run' && r.outcome === 'failed'),
      'a refused preview is audited as a dry run too',
    );
  });
});
