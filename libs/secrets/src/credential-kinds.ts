import { FieldError } from '@galera-cp/core';
import { createHash } from 'node:crypto';
import { utils as sshUtils } from 'ssh2';
import { parse as parseYaml } from 'yaml';

/** Kinds of credentials the control plane keeps. */
export const CREDENTIAL_KINDS = ['ssh-private-key', 'ssh-password', 'kubeconfig'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

/** A credential's secret once decrypted: only backends ever see it. */
export type CredentialSecret =
  | { kind: 'ssh-private-key'; privateKey: string; passphrase?: string }
  | { kind: 'ssh-password'; password: string }
  | { kind: 'kubeconfig'; kubeconfig: string };

/** The strings of a secret that must never appear in logs (for redaction). */
export function sensitiveStrings(secret: CredentialSecret): string[] {
  switch (secret.kind) {
    case 'ssh-private-key':
      return [secret.privateKey, ...(secret.passphrase ? [secret.passphrase] : [])];
    case 'ssh-password':
      return [secret.password];
    case 'kubeconfig':
      return [secret.kubeconfig];
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
      if (key instanceof Error || !key) {
        return { metadata: {}, errors: [{ pointer: '/privateKey', detail: `not a usable SSH private key: ${key instanceof Error ? key.message : 'unreadable'}` }] };
      }
      if (!key.isPrivateKey()) return { metadata: {}, errors: [{ pointer: '/privateKey', detail: 'this is a public key; a private key is needed' }] };
      return { metadata: { keyType: key.type, publicKeyFingerprint: sshFingerprint(key.getPublicSSH()), encrypted: Boolean(secret.passphrase) }, errors: [] };
    }
    case 'ssh-password':
      return { metadata: {}, errors: secret.password.length === 0 ? [{ pointer: '/password', detail: 'must not be empty' }] : [] };
    case 'kubeconfig': {
      let doc: unknown;
      try {
        doc = parseYaml(secret.kubeconfig);
      } catch (error) {
        return { metadata: {}, errors: [{ pointer: '/kubeconfig', detail: `not YAML: ${(error as Error).message.split('\n')[0]}` }] };
      }
      const config = doc as { clusters?: { name?: string; cluster?: { server?: string } }[]; contexts?: { name?: string }[]; users?: unknown[]; 'current-context'?: string } | null;
      if (!config || !Array.isArray(config.clusters) || config.clusters.length === 0 || !Array.isArray(config.contexts) || config.contexts.length === 0) {
        return { metadata: {}, errors: [{ pointer: '/kubeconfig', detail: 'a kubeconfig needs at least one cluster and one context' }] };
      }
      return {
        metadata: {
          currentContext: config['current-context'] ?? config.contexts[0]?.name ?? null,
          contexts: config.contexts.map((c) => c.name).filter(Boolean),
          servers: config.clusters.map((c) => c.cluster?.server).filter(Boolean),
        },
        errors: [],
      };
    }
  }
}
