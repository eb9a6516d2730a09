import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseSstMethod, planJoinTransfer } from './join-transfer';

const UUID = '6e1a7c4c-9b8e-11ee-8c4a-0242ac120002';

describe('chooseSstMethod', () => {
  test('a new, empty cluster joins by rsync whatever is configured', () => {
    const choice = chooseSstMethod('new-cluster', 'mariabackup');
    assert.equal(choice.method, 'rsync');
    assert.equal(choice.code, 'SST_METHOD_NEW_CLUSTER');
    assert.match(choice.message, /later joins use mariabackup/);
    assert.equal(chooseSstMethod('new-cluster', 'rsync').method, 'rsync');
  });

  test('a join into a serving cluster keeps the configured method', () => {
    assert.deepEqual(
      [chooseSstMethod('serving-cluster', 'mariabackup'), chooseSstMethod('serving-cluster', 'rsync')].map((c) => [c.method, c.code]),
      [
        ['mariabackup', 'SST_METHOD_CONFIGURED'],
        ['rsync', 'SST_METHOD_CONFIGURED'],
      ],
    );
    assert.match(chooseSstMethod('serving-cluster', 'rsync').message, /blocks the donor/);
  });
});

describe('planJoinTransfer', () => {
  test('an empty joiner of a new cluster: SST by rsync', () => {
    const t = planJoinTransfer('new-cluster', 'mariabackup', { joiner: {}, donor: { uuid: UUID, lastCommitted: 0 } });
    assert.deepEqual([t.kind, t.method, t.code, t.methodCode], ['SST', 'rsync', 'SST_JOINER_EMPTY', 'SST_METHOD_NEW_CLUSTER']);
  });

  test('an empty joiner of a serving cluster: SST by the configured method', () => {
    const t = planJoinTransfer('serving-cluster', 'mariabackup', { joiner: {}, donor: { uuid: UUID, lastCommitted: 42 } });
    assert.deepEqual([t.kind, t.method], ['SST', 'mariabackup']);
    assert.match(t.message, /^SST by mariabackup/);
  });

  test('a joiner the gcache covers: IST (the method stays the configured one, for a fallback)', () => {
    const t = planJoinTransfer('serving-cluster', 'mariabackup', { joiner: { uuid: UUID, seqno: 40 }, donor: { uuid: UUID, lastCommitted: 42, cachedDownTo: 10 } });
    assert.deepEqual([t.kind, t.method, t.code], ['IST', 'mariabackup', 'IST_GCACHE_COVERS_GAP']);
  });
});
