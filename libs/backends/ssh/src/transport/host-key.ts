import { createHash } from 'node:crypto';

/** A host key as seen during the SSH handshake. */
export interface HostKeyInfo {
  /** OpenSSH SHA256 fingerprint: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
  readonly fingerprint: string;
  /** The key's algorithm name, e.g. `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`. */
  readonly keyType: string;
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** The OpenSSH SHA256 fingerprint of a public key blob (what `ssh-keygen -lf` prints). */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name at the start of an SSH public key blob (`string` = uint32 length + bytes). */
export function hostKeyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return 'unknown';
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** Fingerprint and type of a host key blob. */
export function describeHostKey(keyBlob: Buffer): HostKeyInfo {
  return { fingerprint: hostKeyFingerprint(keyBlob), keyType: hostKeyType(keyBlob) };
}

/**
 * Validates a pinned fingerprint and returns it in canonical form (base64 padding removed, as
 * OpenSSH prints it), or undefined when it is not an OpenSSH SHA256 fingerprint.
 */
export function normalizeFingerprint(value: string): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().replace(/=+$/, '');
  return FINGERPRINT.test(trimmed) ? trimmed : undefined;
}
