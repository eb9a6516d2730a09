import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeHostOwner } from './host-owner';

const A = { clusterId: 'cl_01AAAA', clusterName: 'orders' };
const HISTORY = 'ef03f24e-e8ae-11f1-ba4b-c7773f8be10e';

describe('judgeHostOwner', () => {
  test("a host whose file and server are this cluster's is ours", () => {
    assert.deepEqual(judgeHostOwner(A, { config: { clusterName: 'orders', ownerId: 'cl_01AAAA' }, runningClusterName: 'orders', runningStateUuid: HISTORY }, HISTORY), { owner: 'ours' });
    // A file written before owners were recorded goes by the name.
    assert.deepEqual(judgeHostOwner(A, { config: { clusterName: 'orders' } }), { owner: 'ours' });
    assert.deepEqual(judgeHostOwner(A, { runningClusterName: 'orders' }), { owner: 'ours' });
  });

  test("a host with no file of ours and no running member is nobody's", () => {
    assert.deepEqual(judgeHostOwner(A, {}), { owner: 'none' });
    assert.deepEqual(judgeHostOwner(A, { config: {} }), { owner: 'none' });
  });

  test("another cluster's file (another name, or the same name for another record) makes it foreign, naming the owner", () => {
    const byName = judgeHostOwner(A, { config: { clusterName: 'billing', ownerId: 'cl_01BBBB' } });
    assert.equal(byName.owner, 'other');
    assert.ok(byName.owner === 'other');
    assert.equal(byName.code, 'HOST_OWNED_BY_OTHER_CLUSTER');
    assert.equal(byName.otherClusterId, 'cl_01BBBB');
    assert.equal(byName.otherClusterName, 'billing');
    assert.match(byName.message, /billing \(cl_01BBBB\)/);

    const sameName = judgeHostOwner(A, { config: { clusterName: 'orders', ownerId: 'cl_01BBBB' }, runningClusterName: 'orders' });
    assert.ok(sameName.owner === 'other');
    assert.equal(sameName.otherClusterId, 'cl_01BBBB');
    assert.match(sameName.message, /another cluster record of the same name \(orders \(cl_01BBBB\)\)/);
  });

  test('a running server of another cluster makes it foreign even when the file is gone or still ours', () => {
    const running = judgeHostOwner(A, { runningClusterName: 'billing' });
    assert.ok(running.owner === 'other');
    assert.equal(running.otherClusterName, 'billing');
    assert.match(running.message, /member of cluster billing/);
    assert.equal(judgeHostOwner(A, { config: { clusterName: 'orders', ownerId: 'cl_01AAAA' }, runningClusterName: 'billing' }).owner, 'other');
  });

  test('a running server with another history than the recorded one is foreign; no record, or an empty history, decides nothing', () => {
    const other = judgeHostOwner(A, { config: { clusterName: 'orders' }, runningClusterName: 'orders', runningStateUuid: '05f061bd-02a3-11ee-857c-aa370ff6666b' }, HISTORY);
    assert.ok(other.owner === 'other');
    assert.match(other.message, /another history/);
    assert.equal(judgeHostOwner(A, { runningClusterName: 'orders', runningStateUuid: '05f061bd-02a3-11ee-857c-aa370ff6666b' }).owner, 'ours');
    assert.equal(judgeHostOwner(A, { runningClusterName: 'orders', runningStateUuid: '00000000-0000-0000-0000-000000000000' }, HISTORY).owner, 'ours');
  });
});
