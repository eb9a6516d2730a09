import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { committedDocument, ProblemConformance } from '../support/problem-conformance';
import { startTestApp, TestApp } from '../support/test-app';

describe('the problem conformance check every e2e app runs', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp({ worker: false });
  });
  after(() => app.close());

  test('an answer whose code the route does not document is a violation; documented ones are not', async () => {
    const document = committedDocument();
    const getCluster = document.paths['/v1/clusters/{id}'].get.responses!['404'].content!['application/problem+json'].schema!.allOf![1].properties!.code!;
    assert.deepEqual(getCluster.enum, ['CLUSTER_NOT_FOUND'], 'the committed document lists the code');
    getCluster.enum = ['NODE_NOT_FOUND'];
    const doctored = new ProblemConformance(document);
    const faithful = new ProblemConformance();
    doctored.attach(app.app.getHttpServer());
    faithful.attach(app.app.getHttpServer());

    await app.request().get('/v1/clusters/cl_00000000000000000000000000').auth(app.adminToken, { type: 'bearer' }).expect(404);
    await app.request().get('/v1/clusters').expect(401);
    await app.request().get('/v1/nowhere').auth(app.adminToken, { type: 'bearer' }).expect(404);
    assert.deepEqual([...doctored.violations], ['GET /v1/clusters/{id} 404 CLUSTER_NOT_FOUND']);
    assert.throws(() => doctored.assertConformant(), /GET \/v1\/clusters\/\{id\} 404 CLUSTER_NOT_FOUND/);
    assert.deepEqual([...faithful.violations], []);
    faithful.assertConformant();
  });
});
