import { createGaleraClient, ProblemError } from '@galera-cp/sdk';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from './cli-errors';
import { resolveCluster, resolveClusterId, resolveCredential } from './resource-resolver';
import { clusterFixture, fakeApi, problem } from './testing/fake-api';

/** Two clusters; the API filters by name. */
function clusterApi() {
  const clusters = [clusterFixture({ id: 'cl_01billing', name: 'billing' }), clusterFixture({ id: 'cl_02orders', name: 'orders' })];
  return fakeApi({
    'GET /v1/clusters': (request) => {
      const name = request.query.get('name');
      return { status: 200, body: { items: clusters.filter((c) => !name || c.name === name), nextPageToken: null } };
    },
    'GET /v1/clusters/:id': (request) =>
      request.path.endsWith('cl_01billing') ? { status: 200, body: clusterFixture({ id: 'cl_01billing', name: 'billing' }) } : problem(404, 'CLUSTER_NOT_FOUND', 'no such cluster'),
  });
}

describe('cluster name-or-id resolution', () => {
  test('a name is found with one filtered request', async () => {
    const api = clusterApi();
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    assert.equal(await resolveClusterId(client, 'orders'), 'cl_02orders');
    assert.deepEqual(
      api.requests.map((r) => `${r.path}?${r.query}`),
      ['/v1/clusters?name=orders&pageSize=1'],
    );
  });

  test('an id is used as it is, without a request; resolveCluster fetches it', async () => {
    const api = clusterApi();
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: api.fetch });
    assert.equal(await resolveClusterId(client, 'cl_01whatever'), 'cl_01whatever');
    assert.equal(api.requests.length, 0);
    assert.equal((await resolveCluster(client, 'cl_01billing')).name, 'billing');
    await assert.rejects(resolveCluster(client, 'cl_09gone'), (e: unknown) => e instanceof ProblemError && e.status === 404);
  });

  test('an unknown name is a NotFoundError (exit 4) that says how to list clusters', async () => {
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: clusterApi().fetch });
    await assert.rejects(resolveClusterId(client, 'nope'), (e: unknown) => e instanceof NotFoundError && e.code === 'CLUSTER_NOT_FOUND' && /"nope".*clusters list/.test(e.message));
  });
});

describe('credential name-or-id resolution', () => {
  const credential = (id: string, name: string) => ({ id, name, kind: 'ssh-private-key', metadata: {}, createdBy: 'tk_1', createdAt: '2025-01-01T00:00:00Z' });
  const api = () =>
    fakeApi({
      'GET /v1/credentials/:id': (r) => (r.path.endsWith('cr_01key') ? { status: 200, body: credential('cr_01key', 'lab') } : problem(404, 'CREDENTIAL_NOT_FOUND', 'none')),
      'GET /v1/credentials': () => ({ status: 200, body: { items: [credential('cr_01key', 'lab'), credential('cr_02pw', 'cr_looks_like_id')], nextPageToken: null } }),
    });

  test('by id, by name, and an id-shaped name falls back to the list', async () => {
    const client = createGaleraClient({ baseUrl: 'http://api.test', fetch: api().fetch });
    assert.equal((await resolveCredential(client, 'cr_01key')).name, 'lab');
    assert.equal((await resolveCredential(client, 'lab')).id, 'cr_01key');
    assert.equal((await resolveCredential(client, 'cr_looks_like_id')).id, 'cr_02pw');
    await assert.rejects(resolveCredential(client, 'nothing'), NotFoundError);
  });
});
