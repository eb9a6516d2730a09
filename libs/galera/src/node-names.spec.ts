import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compareNodeNames } from './node-names';

describe('compareNodeNames', () => {
  test('compares digit runs as numbers', () => {
    assert.deepEqual(['galera-10', 'galera-2', 'galera-0', 'db-b', 'db-a'].sort(compareNodeNames), ['db-a', 'db-b', 'galera-0', 'galera-2', 'galera-10']);
  });

  test('is a total order: antisymmetric, and equal only for equal names', () => {
    assert.notEqual(compareNodeNames('db-01', 'db-1'), 0);
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const ab = Math.sign(compareNodeNames(a, b));
        assert.equal(ab, -Math.sign(compareNodeNames(b, a)) || 0);
        assert.equal(ab === 0, a === b);
      }),
    );
  });

  test('is transitive', () => {
    const name = fc.stringMatching(/^[a-c]{0,2}-?\d{0,3}$/);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 8 }), (names) => {
        const sorted = [...names].sort(compareNodeNames);
        for (let i = 1; i < sorted.length; i++) assert.ok(compareNodeNames(sorted[i - 1], sorted[i]) <= 0);
      }),
    );
  });
});
