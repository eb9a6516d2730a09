import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, JsonPatchApplyError, listStrategy, parseJsonPatch } from './patch';
import type { Json } from './types';

describe('k8s-sim patch functions', () => {
  test('merge patch (RFC 7386) replaces lists and deletes with null', () => {
    const target = { a: { b: 1, c: [1, 2] }, d: 'x' };
    assert.deepEqual(applyMergePatch(target, { a: { c: [3], e: null }, d: null }), { a: { b: 1, c: [3] } });
    assert.deepEqual(target, { a: { b: 1, c: [1, 2] }, d: 'x' }, 'the target is not mutated');
  });

  test('strategic merge keys containers, env and volumes by name, container ports by containerPort, service ports by port', () => {
    assert.deepEqual(listStrategy(['spec', 'template', 'spec', 'containers', 'ports']), { type: 'keyed', key: 'containerPort' });
    assert.deepEqual(listStrategy(['spec', 'ports']), { type: 'keyed', key: 'port' });
    assert.deepEqual(listStrategy(['spec', 'template', 'spec', 'containers', 'args']), { type: 'atomic' });
    const pod = {
      spec: {
        containers: [
          { name: 'db', image: 'mariadb:11.4', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 3306, name: 'mysql' }] },
          { name: 'exporter', image: 'exporter:1' },
        ],
        volumes: [{ name: 'config', configMap: { name: 'c' } }],
        tolerations: [{ key: 'a' }],
      },
    } as unknown as Json;
    const patched = applyStrategicMergePatch(pod, {
      spec: {
        containers: [
          { name: 'db', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 4567, name: 'galera' }] },
          { name: 'sidecar', image: 's:1' },
        ],
        volumes: [{ name: 'config', $patch: 'delete' }],
        tolerations: [{ key: 'b' }],
      },
    }) as any;
    assert.deepEqual(
      patched.spec.containers.map((c: { name: string }) => c.name),
      ['db', 'exporter', 'sidecar'],
    );
    assert.equal(patched.spec.containers[0].image, 'mariadb:11.4');
    assert.deepEqual(patched.spec.containers[0].env, [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' },
    ]);
    assert.deepEqual(
      patched.spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort),
      [3306, 4567],
    );
    assert.deepEqual(patched.spec.volumes, []);
    assert.deepEqual(patched.spec.tolerations, [{ key: 'b' }], 'lists without a merge key are replaced');
  });

  test('strategic merge directives: $patch replace, $deleteFromPrimitiveList, $retainKeys, finalizers as a set', () => {
    const target = { metadata: { finalizers: ['a', 'b'] }, spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }, selector: { x: '1', y: '2' } } } as unknown as Json;
    const patched = applyStrategicMergePatch(target, {
      metadata: { finalizers: ['c'], '$deleteFromPrimitiveList/finalizers': ['a'] },
      spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' }, selector: { $patch: 'replace', z: '3' } },
    }) as any;
    assert.deepEqual(patched.metadata.finalizers, ['b', 'c']);
    assert.deepEqual(patched.spec.strategy, { type: 'Recreate' });
    assert.deepEqual(patched.spec.selector, { z: '3' });
  });

  test('a keyed list item without its merge key is a 400', () => {
    assert.throws(
      () => applyStrategicMergePatch({ spec: { containers: [] } }, { spec: { containers: [{ image: 'x' }] } }),
      (error: { code?: number }) => error.code === 400,
    );
  });

  test('JSON patch (RFC 6902): add, remove, replace, move, copy, test; failures are JsonPatchApplyError', () => {
    const doc = { a: { b: [1, 2] }, c: 'x' } as unknown as Json;
    const result = applyJsonPatch(
      doc,
      parseJsonPatch([
        { op: 'add', path: '/a/b/-', value: 3 },
        { op: 'add', path: '/a/b/0', value: 0 },
        { op: 'remove', path: '/a/b/1' },
        { op: 'replace', path: '/c', value: 'y' },
        { op: 'copy', from: '/c', path: '/d' },
        { op: 'move', from: '/d', path: '/e~1f' },
        { op: 'test', path: '/a/b', value: [0, 2, 3] },
      ]),
    );
    assert.deepEqual(result, { a: { b: [0, 2, 3] }, c: 'y', 'e/f': 'y' });
    assert.throws(() => applyJsonPatch(doc, parseJsonPatch([{ op: 'test', path: '/c', value: 'nope' }])), JsonPatchApplyError);
    assert.throws(() => applyJsonPatch(doc, parseJsonPatch([{ op: 'replace', path: '/missing', value: 1 }])), JsonPatchApplyError);
    assert.throws(
      () => parseJsonPatch({ op: 'add' }),
      (error: { code?: number }) => error.code === 400,
    );
  });
});
