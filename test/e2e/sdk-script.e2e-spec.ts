import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { createKeyCredential, sshClusterBody } from '../support/fixtures';
import { packSdk, PackedSdk, tsBlocks } from '../support/packed-sdk';
import { startTestApp, TestApp, waitForOperation } from '../support/test-app';

const run = promisify(execFile);

describe("the README's SDK script, compiled against the packed SDK, run against a real server", () => {
  let app: TestApp;
  let sdk: PackedSdk;
  before(async () => {
    app = await startTestApp();
    sdk = packSdk();
  });
  after(async () => {
    sdk?.remove();
    await app?.close();
  });

  test('scales a cluster: dry run (the plan), then for real, following its events until it ends', async () => {
    const credentialId = await createKeyCredential(app);
    const created = await app.call('POST', '/v1/clusters', { body: sshClusterBody('orders', credentialId, 5, { replicas: 3 }) });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');

    const script = tsBlocks('README.md').find((block) => block.includes('/v1/clusters/{id}/scale'));
    assert.ok(script, 'the README has the SDK scale script');
    const compiled = sdk.compile({ 'scale.mts': script });
    assert.equal(compiled.output.trim(), '');
    const { stdout, stderr } = await run(process.execPath, [join(compiled.outDir, 'scale.mjs')], {
      env: { PATH: process.env.PATH ?? '', GALERA_URL: app.url, GALERA_TOKEN: await app.token('operator') },
      timeout: 120_000,
    });
    assert.equal(stderr, '');
    const lines = stdout.trim().split('\n');
    assert.match(lines[0], /^From 3 to 5 members .*'join:orders-3'.* 5$/s, 'the plan: summary, step keys, quorum after');
    const events = lines.slice(1, -1);
    assert.equal(events[0], 'operation.created');
    assert.equal(events.at(-1), 'operation.succeeded');
    assert.ok(events.includes('operation.step_succeeded'));
    assert.equal(lines.at(-1), 'members: orders-0 orders-1 orders-2 orders-3 orders-4');

    const cluster = await app.call('GET', `/v1/clusters/${created.body.clusterId}`);
    assert.equal(cluster.body.spec.replicas, 5);
  });
});
