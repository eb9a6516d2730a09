import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GALERA_PORT_NUMBERS, GALERA_PORTS } from './ports';

describe('GALERA_PORTS', () => {
  test('SQL, group communication, IST and SST, each named once', () => {
    assert.deepEqual([...GALERA_PORT_NUMBERS].sort(), [3306, 4444, 4567, 4568]);
    assert.equal(new Set(GALERA_PORTS.map((p) => p.name)).size, 4);
  });
});
