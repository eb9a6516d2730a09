import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { orderRollingRestart } from './rolling';

describe('orderRollingRestart', () => {
  test('one at a time in natural name order, the writer last, waiting for Synced', () => {
    const plan = orderRollingRestart(['db-10', 'db-2', 'db-1'], { writer: 'db-1' });
    assert.ok(plan.ok);
    assert.deepEqual(plan.order, ['db-2', 'db-10', 'db-1']);
    assert.equal(plan.waitFor, 'Synced');
    assert.match(plan.message, /writer db-1 last/);
  });

  test('the order does not depend on the input order', () => {
    const a = orderRollingRestart([{ name: 'c' }, { name: 'a' }, { name: 'b' }]);
    const b = orderRollingRestart(['b', 'c', 'a']);
    assert.ok(a.ok && b.ok);
    assert.deepEqual(a.order, ['a', 'b', 'c']);
    assert.deepEqual(a.order, b.order);
  });

  test('refuses a writer that is not a member, and duplicate members', () => {
    const unknown = orderRollingRestart(['a', 'b'], { writer: 'z' });
    assert.deepEqual([unknown.ok, !unknown.ok && unknown.code], [false, 'WRITER_NOT_A_MEMBER']);
    const twice = orderRollingRestart(['a', 'a']);
    assert.deepEqual([twice.ok, !twice.ok && twice.code], [false, 'DUPLICATE_MEMBER']);
  });
});
