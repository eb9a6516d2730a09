import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses nothing older than this itself; neither do we accept it (replays). */
export const SLACK_MAX_REQUEST_AGE_SECONDS = 5 * 60;

/** Why a request was not accepted as coming from Slack. */
export type SlackRequestProblem = { code: 'CHAT_REQUEST_EXPIRED' | 'CHAT_SIGNATURE_INVALID'; detail: string };

/** `v0=` + hex HMAC-SHA256, keyed with the signing secret, of `v0:<timestamp>:<raw body>`. */
export function slackSignature(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex')}`;
}

/**
 * Slack's request signing: the timestamp must be within five minutes of our clock (a captured
 * request cannot be replayed later), and `X-Slack-Signature` must equal the HMAC of the raw
 * body, compared in constant time.
 */
export function verifySlackRequest(input: { signingSecret: string; timestamp: string | undefined; signature: string | undefined; rawBody: Buffer; nowMs?: number }): SlackRequestProblem | null {
  if (!input.timestamp || !/^\d{1,12}$/.test(input.timestamp)) return { code: 'CHAT_SIGNATURE_INVALID', detail: 'X-Slack-Request-Timestamp is missing or not a number' };
  const age = Math.floor((input.nowMs ?? Date.now()) / 1000) - Number(input.timestamp);
  if (Math.abs(age) > SLACK_MAX_REQUEST_AGE_SECONDS) {
    return { code: 'CHAT_REQUEST_EXPIRED', detail: `The request timestamp is ${Math.abs(age)} s ${age > 0 ? 'old' : 'ahead'}; at most ${SLACK_MAX_REQUEST_AGE_SECONDS} s is accepted` };
  }
  if (!input.signature || !/^v0=[0-9a-f]{64}$/.test(input.signature)) return { code: 'CHAT_SIGNATURE_INVALID', detail: 'X-Slack-Signature is missing or malformed' };
  const expected = Buffer.from(slackSignature(input.signingSecret, input.timestamp, input.rawBody));
  if (!timingSafeEqual(Buffer.from(input.signature), expected)) return { code: 'CHAT_SIGNATURE_INVALID', detail: 'X-Slack-Signature does not match the request' };
  return null;
}
