import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseQuantity } from './quantity';

describe('k8s-sim quantities', () => {
  test('parses binary and decimal suffixes, exponents and millis', () => {
    assert.equal(parseQuantity('1Gi'), 2 ** 30);
    assert.equal(parseQuantity('1.5Mi'), 1.5 * 2 ** 20);
    assert.equal(parseQuantity('10G'), 10e9);
    assert.equal(parseQuantity('250m'), 0.25);
    assert.equal(parseQuantity('1e3'), 1000);
    assert.equal(parseQuantity('12'), 12);
    assert.equal(parseQuantity('1GB'), undefined);
    assert.ok(parseQuantity('2Gi')! > parseQuantity('2000Mi')!);
  });
});
