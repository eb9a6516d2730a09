import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatLabelSelector, matchesLabels, parseFieldSelector, parseLabelSelector, selectorFromSpec } from './selectors';

describe('k8s-sim selectors', () => {
  test('parses the labelSelector query syntax', () => {
    assert.deepEqual(parseLabelSelector('app=galera, tier!=proxy,role in (primary,replica),zone notin (a),ssd,!legacy'), [
      { key: 'app', operator: 'In', values: ['galera'] },
      { key: 'tier', operator: 'NotIn', values: ['proxy'] },
      { key: 'role', operator: 'In', values: ['primary', 'replica'] },
      { key: 'zone', operator: 'NotIn', values: ['a'] },
      { key: 'ssd', operator: 'Exists', values: [] },
      { key: 'legacy', operator: 'DoesNotExist', values: [] },
    ]);
    assert.deepEqual(parseLabelSelector('app.kubernetes.io/name==mariadb'), [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['mariadb'] }]);
    assert.throws(
      () => parseLabelSelector('app in galera'),
      (error: { code?: number }) => error.code === 400,
    );
  });

  test('matches labels; NotIn and DoesNotExist hold for a missing key', () => {
    const selector = parseLabelSelector('app=galera,role notin (arbitrator),!legacy');
    assert.equal(matchesLabels(selector, { app: 'galera' }), true);
    assert.equal(matchesLabels(selector, { app: 'galera', role: 'arbitrator' }), false);
    assert.equal(matchesLabels(selector, { app: 'galera', legacy: '' }), false);
    assert.equal(matchesLabels(selector, undefined), false);
    assert.equal(matchesLabels([], undefined), true);
  });

  test('converts a LabelSelector spec and renders it back', () => {
    const selector = selectorFromSpec({ matchLabels: { app: 'db' }, matchExpressions: [{ key: 'role', operator: 'In', values: ['a', 'b'] }] });
    assert.equal(formatLabelSelector(selector), 'app=db,role in (a,b)');
  });

  test('field selectors accept metadata.name/namespace everywhere and kind fields where the API does', () => {
    assert.deepEqual(parseFieldSelector('metadata.name=db-0,status.phase!=Running', 'Pod'), [
      { field: 'metadata.name', equals: true, value: 'db-0' },
      { field: 'status.phase', equals: false, value: 'Running' },
    ]);
    assert.throws(
      () => parseFieldSelector('status.phase=Running', 'ConfigMap'),
      (error: { code?: number }) => error.code === 400,
    );
  });
});
