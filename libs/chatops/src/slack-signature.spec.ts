import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { slackSignature, verifySlackRequest } from './slack-signature';

describe('Slack request signatures', () => {
  const signingSecret = '8f742231b10e8888abcd99yyyzzz85a5';
  const rawBody = Buffer.from('token=x&team_id=T0001&user_id=U0001&command=%2Fgalera&text=status+orders');
  const now = 1_764_662_400_000;
  const timestamp = String(now / 1000 - 10);

  test('the signature is v0= + HMAC-SHA256 of "v0:<timestamp>:<raw body>" (Slack\'s documented scheme)', () => {
    const expected = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${rawBody.toString()}`).digest('hex')}`;
    assert.equal(slackSignature(signingSecret, timestamp, rawBody), expected);
  });

  test('a fresh, correctly signed request passes', () => {
    assert.equal(verifySlackRequest({ signingSecret, timestamp, signature: slackSignature(signingSecret, timestamp, rawBody), rawBody, nowMs: now }), null);
  });

  test('a forged signature, another body, or another secret is refused', () => {
    const signature = slackSignature(signingSecret, timestamp, rawBody);
    assert.equal(verifySlackRequest({ signingSecret, timestamp, signature: `v0=${'0'.repeat(64)}`, rawBody, nowMs: now })?.code, 'CHAT_SIGNATURE_INVALID');
    assert.equal(verifySlackRequest({ signingSecret, timestamp, signature, rawBody: Buffer.from(`${rawBody.toString()}+5`), nowMs: now })?.code, 'CHAT_SIGNATURE_INVALID');
    assert.equal(verifySlackRequest({ signingSecret: 'another-secret-of-some-length', timestamp, signature, rawBody, nowMs: now })?.code, 'CHAT_SIGNATURE_INVALID');
    assert.equal(verifySlackRequest({ signingSecret, timestamp, signature: undefined, rawBody, nowMs: now })?.code, 'CHAT_SIGNATURE_INVALID');
    assert.equal(verifySlackRequest({ signingSecret, timestamp, signature: signature.toUpperCase(), rawBody, nowMs: now })?.code, 'CHAT_SIGNATURE_INVALID');
  });

  test('a timestamp more than five minutes old (or ahead) is refused even with a valid signature: replays', () => {
    const old = String(now / 1000 - 301);
    const problem = verifySlackRequest({ signingSecret, timestamp: old, signature: slackSignature(signingSecret, old, rawBody), rawBody, nowMs: now });
    assert.equal(problem?.code, 'CHAT_REQUEST_EXPIRED');
    assert.match(problem?.detail ?? '', /301 s old/);
    const future = String(now / 1000 + 301);
    assert.equal(verifySlackRequest({ signingSecret, timestamp: future, signature: slackSignature(signingSecret, future, rawBody), rawBody, nowMs: now })?.code, 'CHAT_REQUEST_EXPIRED');
    const edge = String(now / 1000 - 300);
    assert.equal(verifySlackRequest({ signingSecret, timestamp: edge, signature: slackSignature(signingSecret, edge, rawBody), rawBody, nowMs: now }), null);
    assert.equal(verifySlackRequest({ signingSecret, timestamp: 'yesterday', signature: 'v0=', rawBody, nowMs: now })?.code, 'CHAT_SIGNATURE_INVALID');
  });
});
