import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Galera-Signature';
/** How far a receiver should accept a signature's timestamp from its own clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new signing secret (`whsec_` + 32 random bytes, base64url). */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Hex HMAC-SHA256, keyed with the secret (its UTF-8 bytes), of `<timestamp>.<body>`. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The Galera-Signature header of a body sent at `timestamp` (unix seconds). */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signPayload(secret, timestamp, body)}`;
}

/** Why a signature was not accepted. */
export type SignatureProblem = 'malformed' | 'timestamp_out_of_tolerance' | 'mismatch';

/**
 * What a receiver does (kept here as the reference and for tests): parse `t` and every `v1`,
 * refuse a timestamp further than `toleranceSeconds` from its clock (a captured request cannot
 * be replayed later), recompute the HMAC over `<t>.<raw body>` and compare in constant time.
 */
export function verifySignature(input: {
  header: string | undefined;
  body: string;
  secret: string;
  toleranceSeconds?: number;
  nowMs?: number;
}): { ok: true; timestamp: number } | { ok: false; problem: SignatureProblem } {
  const parts = (input.header ?? '').split(',').map((p) => p.trim().split('='));
  const timestamps = parts.filter(([k]) => k === 't').map(([, v]) => v);
  const signatures = parts.filter(([k, v]) => k === 'v1' && /^[0-9a-f]{64}$/.test(v ?? '')).map(([, v]) => v);
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0] ?? '') || signatures.length === 0) return { ok: false, problem: 'malformed' };
  const timestamp = Number(timestamps[0]);
  const now = Math.floor((input.nowMs ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, problem: 'timestamp_out_of_tolerance' };
  const expected = Buffer.from(signPayload(input.secret, timestamp, input.body), 'hex');
  const match = signatures.some((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
  return match ? { ok: true, timestamp } : { ok: false, problem: 'mismatch' };
}
