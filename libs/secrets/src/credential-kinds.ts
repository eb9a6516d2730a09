import { FieldError } from '@galera-cp/core';
import { createHash } from 'node:crypto';
import { utils as sshUtils } from 'ssh2';
import { LineCounter, parseDocument } from 'yaml';

/** Kinds of credentials the control plane keeps. */
export const CREDENTIAL_KINDS = ['ssh-private-key', 'ssh-password', 'kubeconfig', 's3-access-key'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A credential's secret once decrypted: only backends ever see it. */
export type CredentialSecret =
  | { kind: 'ssh-private-key'; privateKey: string; passphrase?: string }
  | { kind: 'ssh-password'; password: string }
  | { kind: 'kubeconfig'; kubeconfig: string }
  /** An S3 access key pair (for S3 backup stores). */
  | { kind: 's3-access-key'; accessKeyId: string; secretAccessKey: string };

/** The strings of a secret that must never appear in logs (for redaction). */
export function sensitiveStrings(secret: CredentialSecret): string[] {
  switch (secret.kind) {
    case 'ssh-private-key':
      return [secret.privateKey, ...(secret.passphrase ? [secret.passphrase] : [])];
    case 'ssh-password':
      return [secret.password];
    case 'kubeconfig':
      return [secret.kubeconfig];
    case 's3-access-key':
      return [secret.secretAccessKey];
  }
}

/** The SHA-256 fingerprint of an SSH public key blob, as OpenSSH prints it. */
export function sshFingerprint(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/**
 * Checks a secret and derives the public facts kept beside it (never the secret): for a key,
 * its type and public fingerprint; for a kubeconfig, its contexts and servers.
 */
export function inspectSecret(secret: CredentialSecret): { metadata: Record<string, unknown>; errors: FieldError[] } {
  switch (secret.kind) {
    case 'ssh-private-key': {
      const parsed = sshUtils.parseKey(secret.privateKey, secret.passphrase);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      if (key instanceof Error || !key) return { metadata: {}, errors: [{ pointer: '/privateKey', detail: unusableKeyDetail(key) }] };
      if (!key.isPrivateKey()) return { metadata: {}, errors: [{ pointer: '/privateKey', detail: 'this is a public key; a private key is needed' }] };
      return { metadata: { keyType: key.type, publicKeyFingerprint: sshFingerprint(key.getPublicSSH()), encrypted: Boolean(secret.passphrase) }, errors: [] };
    }
    case 'ssh-password':
      return { metadata: {}, errors: secret.password.length === 0 ? [{ pointer: '/password', detail: 'must not be empty' }] : [] };
    case 'kubeconfig':
      return inspectKubeconfig(secret.kubeconfig);
    case 's3-access-key':
      return inspectAccessKey(secret);
  }
}

/**
 * Why a private key is unusable, in words that never quote it: the SSH library's messages can
 * echo bytes decoded from the key (a key type, a cipher name), so only known causes are named.
 */
function unusableKeyDetail(error: Error | undefined | null): string {
  const message = error instanceof Error ? error.message : '';
  if (/passphrase/i.test(message) || /bad decrypt|integrity check/i.test(message)) return 'not a usable SSH private key: it is encrypted and the passphrase is missing or wrong';
  if (/unsupported/i.test(message)) return 'not a usable SSH private key: unsupported key type or format (use OpenSSH, PEM RSA/ECDSA or Ed25519)';
  return 'not a usable SSH private key: unreadable';
}

const KUBECONFIG_PROBLEM = (detail: string) => ({ metadata: {}, errors: [{ pointer: '/kubeconfig', detail }] });

/**
 * A kubeconfig, parsed strictly: YAML errors and warnings (an unknown tag, a duplicate key) are
 * captured, never logged, and refuse the document; details give the problem's code and line,
 * never the text (it holds tokens). Server URLs must not carry credentials (`user:pw@host`):
 * the metadata kept beside the sealed secret is shown to viewers.
 */
function inspectKubeconfig(text: string): { metadata: Record<string, unknown>; errors: FieldError[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, logLevel: 'silent', lineCounter: lines });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) return KUBECONFIG_PROBLEM(`not clean YAML: ${problem.code} at line ${lines.linePos(problem.pos[0]).line}`);
  let config: { clusters?: { name?: string; cluster?: { server?: unknown } }[]; contexts?: { name?: string }[]; 'current-context'?: string } | null;
  try {
    config = doc.toJS({ maxAliasCount: 20 }) as typeof config;
  } catch {
    return KUBECONFIG_PROBLEM('not clean YAML: an alias is unresolved or expands too much');
  }
  if (!config || typeof config !== 'object' || !Array.isArray(config.clusters) || config.clusters.length === 0 || !Array.isArray(config.contexts) || config.contexts.length === 0) {
    return KUBECONFIG_PROBLEM('a kubeconfig needs at least one cluster and one context');
  }
  const servers: string[] = [];
  for (const [index, entry] of config.clusters.entries()) {
    const server = entry?.cluster?.server;
    if (server === undefined) continue;
    let url: URL | undefined;
    try {
      url = typeof server === 'string' ? new URL(server) : undefined;
    } catch {
      url = undefined;
    }
    if (!url) return KUBECONFIG_PROBLEM(`clusters[${index}].cluster.server is not a URL`);
    if (url.username || url.password) return KUBECONFIG_PROBLEM(`clusters[${index}].cluster.server carries credentials (user:password@); put them in users[] instead`);
    servers.push(`${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`);
  }
  return {
    metadata: {
      currentContext: typeof config['current-context'] === 'string' ? config['current-context'] : (config.contexts[0]?.name ?? null),
      contexts: config.contexts.map((c) => c?.name).filter((n) => typeof n === 'string'),
      servers,
    },
    errors: [],
  };
}

/**
 * An S3 access key: the key id is public (services log it, IAM shows it), so it is kept as
 * metadata; the secret is checked for shape only, and never quoted.
 */
function inspectAccessKey(secret: { accessKeyId: string; secretAccessKey: string }): { metadata: Record<string, unknown>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!/^[\x21-\x7e]{3,128}$/.test(secret.accessKeyId)) errors.push({ pointer: '/accessKeyId', detail: 'must be 3-128 printable ASCII characters without spaces' });
  if (!/^[\x21-\x7e]{8,256}$/.test(secret.secretAccessKey)) errors.push({ pointer: '/secretAccessKey', detail: 'must be 8-256 printable ASCII characters without spaces' });
  return { metadata: errors.length === 0 ? { accessKeyId: secret.accessKeyId } : {}, errors };
}
