import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ClusterBackend, ClusterChange, ClusterTarget, SettledChange } from '@galera-cp/backends';
import { KUBERNETES_SPEC_RULES } from '@galera-cp/backend-kubernetes/spec';
import { LazyBackend } from './lazy-backend';

const target = { clusterId: 'cl_1', name: 'orders', members: [] } as unknown as ClusterTarget;
const change: ClusterChange = { type: 'cluster.scale', replicas: 3, force: false };
const options = { membersBefore: ['orders-0'], signal: new AbortController().signal, log: () => undefined };

/** A loaded backend with only what the tests call; `settle` when given. */
function loaded(settle?: ClusterBackend['settle']): ClusterBackend {
  return { ...KUBERNETES_SPEC_RULES, settle } as unknown as ClusterBackend;
}

describe('LazyBackend', () => {
  test('a cancelled membership change converges through the loaded backend (the StatefulSet set back)', async () => {
    const calls: unknown[] = [];
    const answer: SettledChange = { members: [{ op: 'remove', name: 'orders-2' }] };
    const lazy = new LazyBackend(KUBERNETES_SPEC_RULES, async () =>
      loaded(async (...args) => {
        calls.push(args);
        return answer;
      }),
    );
    assert.deepEqual(await lazy.settle(target, change, options), answer);
    assert.equal(calls.length, 1);
    assert.deepEqual((calls[0] as unknown[]).slice(0, 2), [target, change]);
  });

  test('a loaded backend without settle corrects nothing', async () => {
    const lazy = new LazyBackend(KUBERNETES_SPEC_RULES, async () => loaded());
    assert.deepEqual(await lazy.settle(target, change, options), { members: [] });
  });
});
