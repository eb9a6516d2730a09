import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { highestOrdinals, nextOrdinal } from './ordinals';

describe('nextOrdinal', () => {
  test('one above the highest, whatever the order or gaps', () => {
    assert.equal(nextOrdinal([2, 0, 1]), 3);
    assert.equal(nextOrdinal([0, 4]), 5);
  });
  test('0 for an empty cluster', () => {
    assert.equal(nextOrdinal([]), 0);
  });
});

describe('highestOrdinals', () => {
  const members = [
    { name: 'a-1', ordinal: 1 },
    { name: 'a-3', ordinal: 3 },
    { name: 'a-0', ordinal: 0 },
    { name: 'a-2', ordinal: 2 },
  ];
  test('the highest first', () => {
    assert.deepEqual(
      highestOrdinals(members, 2).map((m) => m.name),
      ['a-3', 'a-2'],
    );
  });
  test('none for a count of 0 or less; all when the count exceeds the members', () => {
    assert.deepEqual(highestOrdinals(members, 0), []);
    assert.deepEqual(highestOrdinals(members, -1), []);
    assert.equal(highestOrdinals(members, 9).length, 4);
  });
});
