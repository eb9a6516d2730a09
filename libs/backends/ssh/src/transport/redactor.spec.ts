import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REDACTED, Redactor } from './redactor';

describe('Redactor', () => {
  test('replaces every occurrence of every secret', () => {
    const redactor = new Redactor(['hunter2', 'p@ss.word*']);
    assert.equal(redactor.redact('a hunter2 b hunter2 p@ss.word* c'), `a ${REDACTED} b ${REDACTED} ${REDACTED} c`);
    assert.equal(redactor.redact('nothing here'), 'nothing here');
  });

  test('treats secrets as literal text, not as patterns', () => {
    const redactor = new Redactor(['a.c', '(x|y)', '$1']);
    assert.equal(redactor.redact('abc a.c (x|y) x $1'), `abc ${REDACTED} ${REDACTED} x ${REDACTED}`);
  });

  test('replaces the longest secret first when secrets overlap', () => {
    const redactor = new Redactor(['secret', 'secret-and-more']);
    assert.equal(redactor.redact('x secret-and-more y'), `x ${REDACTED} y`);
  });

  test('also hides each line of a multi-line secret, because output is read line by line', () => {
    const key = '-----BEGIN KEY-----\nAAAABBBBCCCCDDDD\r\nEEEEFFFFGGGG\nshort\n-----END KEY-----\n';
    const redactor = new Redactor([key]);
    assert.equal(redactor.redact('line: AAAABBBBCCCCDDDD'), `line: ${REDACTED}`);
    assert.equal(redactor.redact(`dump ${key}`), `dump ${REDACTED}`);
    assert.equal(redactor.redact('short'), 'short', 'lines under 8 characters are too common to hide');
  });

  test('ignores empty and missing secrets and accepts Buffers', () => {
    const redactor = new Redactor(['', undefined, null, Buffer.from('buffered-secret')]);
    assert.equal(redactor.size, 1);
    assert.equal(redactor.redact('a buffered-secret'), `a ${REDACTED}`);
    assert.equal(new Redactor().redact('plain'), 'plain');
  });

  test('with() adds secrets without changing the original', () => {
    const base = new Redactor(['one-secret']);
    const extended = base.with('two-secret');
    assert.equal(extended.redact('one-secret two-secret'), `${REDACTED} ${REDACTED}`);
    assert.equal(base.redact('one-secret two-secret'), `${REDACTED} two-secret`);
    assert.equal(base.with(undefined, ''), base);
  });
});
