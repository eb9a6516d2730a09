import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatByteSize, parseByteSize } from './byte-size';

describe('byte sizes', () => {
  test('parse MariaDB suffixes as powers of 1024', () => {
    assert.equal(parseByteSize('128M'), 128 * 1024 ** 2);
    assert.equal(parseByteSize('2g'), 2 * 1024 ** 3);
    assert.equal(parseByteSize('1024'), 1024);
    assert.equal(parseByteSize(4096), 4096);
  });

  test('reject anything else', () => {
    for (const bad of ['', '1.5G', '-1M', '12MB', '1 G', 'ten']) assert.equal(parseByteSize(bad), undefined, bad);
    assert.equal(parseByteSize(-1), undefined);
    assert.equal(parseByteSize(1.5), undefined);
  });

  test('format in the largest exact unit', () => {
    assert.equal(formatByteSize(1024 ** 3), '1G');
    assert.equal(formatByteSize(1536 * 1024 ** 2), '1536M');
    assert.equal(formatByteSize(1000), '1000');
    assert.equal(formatByteSize(0), '0');
  });
});
