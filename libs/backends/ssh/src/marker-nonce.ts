/**
 * The nonce of output markers. Its own module because both the host (facts) and the file
 * helpers (which take a host) need it: kept in either, the two would import each other.
 */
import { randomBytes } from 'node:crypto';

/** A random tag for markers, so no file content can pass for a marker. */
export function markerNonce(): string {
  return randomBytes(6).toString('hex');
}
