import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from './cli-errors';
import { parseDuration } from './duration';

describe('parseDuration', () => {
  test('reads units, combinations and bare seconds', () => {
    assert.equal(parseDuration('90s', '--timeout'), 90_000);
    assert.equal(parseDuration('15m', '--timeout'), 900_000);
    assert.equal(parseDuration('1h30m', '--timeout'), 5_400_000);
    assert.equal(parseDuration('500ms', '--timeout'), 500);
    assert.equal(parseDuration('45', '--timeout'), 45_000);
    assert.equal(parseDuration('1.5m', '--timeout'), 90_000);
  });

  test('refuses anything else as a usage error naming the flag', () => {
    for (const bad of ['', 'soon', '10x', '-5s', '0', '0s', 'm']) {
      assert.throws(
        () => parseDuration(bad, '--timeout'),
        (error: unknown) => error instanceof UsageError && error.message.startsWith('--timeout:'),
        bad,
      );
    }
  });
});
