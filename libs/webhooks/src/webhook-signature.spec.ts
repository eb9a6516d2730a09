import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { generateWebhookSecret, signatureHeader, verifySignature } from './webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret';
  const body = '{"event":{"type":"cluster.ready"}}';
  const t = 1_764_662_400;
  const now = t * 1000 + 10_000;

  test('the header is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, as a receiver recomputes it', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    assert.equal(signatureHeader(secret, t, body), `t=${t},v1=${expected}`);
  });

  test('a receiver accepts the signature within the tolerance and refuses a changed body, another secret or an old timestamp', () => {
    const header = signatureHeader(secret, t, body);
    assert.deepEqual(verifySignature({ header, body, secret, nowMs: now }), { ok: true, timestamp: t });
    assert.deepEqual(verifySignature({ header, body: body.replace('ready', 'down'), secret, nowMs: now }), { ok: false, problem: 'mismatch' });
    assert.deepEqual(verifySignature({ header, body, secret: 'whsec_other', nowMs: now }), { ok: false, problem: 'mismatch' });
    assert.deepEqual(verifySignature({ header, body, secret, nowMs: (t + 301) * 1000 }), { ok: false, problem: 'timestamp_out_of_tolerance' });
    assert.deepEqual(verifySignature({ header, body, secret, nowMs: (t - 301) * 1000 }), { ok: false, problem: 'timestamp_out_of_tolerance' });
    assert.deepEqual(verifySignature({ header: `t=${t + 1},${header.split(',')[1]}`, body, secret, nowMs: now }), { ok: false, problem: 'mismatch' }, 'the timestamp is signed too');
  });

  test('malformed headers are refused; several v1 values are accepted (secret rotation)', () => {
    for (const header of [undefined, '', 'v1=abc', `t=${t}`, `t=soon,v1=${'a'.repeat(64)}`, `t=${t},t=${t},v1=${'a'.repeat(64)}`]) {
      assert.deepEqual(verifySignature({ header, body, secret, nowMs: now }), { ok: false, problem: 'malformed' }, String(header));
    }
    const rotated = `${signatureHeader(secret, t, body)},v1=${'0'.repeat(64)}`;
    assert.equal(verifySignature({ header: rotated, body, secret, nowMs: now }).ok, true);
  });

  test('generated secrets are long and distinct', () => {
    const a = generateWebhookSecret();
    assert.match(a, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, generateWebhookSecret());
  });
});
