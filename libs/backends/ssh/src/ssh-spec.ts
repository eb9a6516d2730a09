/**
 * What the SSH backend decides about specs (BackendSpecRules): the defaults and checks of the
 * `ssh` section, the credential it names, how a node.add grows the inventory, and where host
 * keys learned on first use are pinned. Pure functions: no connection is opened here.
 */
import type { BackendCapabilities, BackendSpecRules, ClusterSpec, ClusterSpecDraft, CredentialReference, MemberRecord, PinnedHostKey, SshHostSpec } from '@galera-cp/backends';
import { DomainError, type FieldError } from '@galera-cp/core';
import { isValidHost } from './shell';
import { normalizeFingerprint } from './transport/host-key';

/** Removes any member by name; recovers from a full crash; grows from its inventory of hosts. */
export const SSH_CAPABILITIES: BackendCapabilities = { recover: true, removeAnyMember: true, providesHosts: false };

/** Defaults of the `ssh` section a client may leave out. */
export const SSH_SPEC_DEFAULTS = { user: 'root', port: 22, trustOnFirstUse: false } as const;

/** Credential kinds the SSH backend logs in with. */
export const SSH_CREDENTIAL_KINDS = ['ssh-private-key', 'ssh-password'] as const;

/** Step failures the SSH backend wants audited: a changed host key may be a man in the middle. */
export const SSH_AUDITED_FAILURES: Readonly<Record<string, string>> = { HOST_KEY_MISMATCH: 'ssh.host-key-mismatch' };

const USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** `replicas` defaults to every host of the inventory; the section gets user, port and trustOnFirstUse. */
export function sshSpecDefaults(draft: ClusterSpecDraft): Pick<ClusterSpec, 'replicas' | 'ssh'> {
  const ssh = draft.ssh;
  return {
    replicas: draft.replicas ?? ssh?.hosts.length ?? 0,
    ...(ssh
      ? {
          ssh: {
            credentialId: ssh.credentialId,
            user: ssh.user ?? SSH_SPEC_DEFAULTS.user,
            port: ssh.port ?? SSH_SPEC_DEFAULTS.port,
            hosts: ssh.hosts.map((h) => ({ address: h.address, ...(h.hostKeyFingerprint ? { hostKeyFingerprint: h.hostKeyFingerprint } : {}) })),
            trustOnFirstUse: ssh.trustOnFirstUse ?? SSH_SPEC_DEFAULTS.trustOnFirstUse,
          },
        }
      : {}),
  };
}

/**
 * The inventory's rules: every address once, every host key pinned unless trustOnFirstUse, and
 * a host for every member (`replicas`). The part of the checks that depends on the members'
 * count, so that a scale beyond the inventory is refused as well as a create.
 */
export function checkSshInventory(spec: ClusterSpec): FieldError[] {
  return sshErrors(spec, { formats: false });
}

/** Every check of the `ssh` section: user, port, each host (address, fingerprint, pinned, once), enough hosts. */
export function validateSshSpec(spec: ClusterSpec): FieldError[] {
  if (!spec.ssh) return [{ pointer: '/ssh', detail: 'an ssh cluster needs the ssh section (credentialId, hosts)' }];
  return sshErrors(spec, { formats: true });
}

function sshErrors(spec: ClusterSpec, options: { formats: boolean }): FieldError[] {
  const ssh = spec.ssh;
  if (!ssh) return [];
  const errors: FieldError[] = [];
  if (options.formats) {
    if (!USER.test(ssh.user)) errors.push({ pointer: '/ssh/user', detail: 'must be a POSIX user name' });
    if (!Number.isInteger(ssh.port) || ssh.port < 1 || ssh.port > 65_535) errors.push({ pointer: '/ssh/port', detail: 'must be an integer from 1 to 65535' });
    if (ssh.hosts.length === 0) errors.push({ pointer: '/ssh/hosts', detail: 'list at least one host' });
  }
  const seen = new Set<string>();
  ssh.hosts.forEach((host, i) => {
    if (options.formats && !isValidHost(host.address)) errors.push({ pointer: `/ssh/hosts/${i}/address`, detail: 'must be an IP address or a DNS name' });
    if (seen.has(host.address)) errors.push({ pointer: `/ssh/hosts/${i}/address`, detail: `${host.address} is listed twice` });
    seen.add(host.address);
    if (options.formats && host.hostKeyFingerprint !== undefined && !normalizeFingerprint(host.hostKeyFingerprint)) {
      errors.push({ pointer: `/ssh/hosts/${i}/hostKeyFingerprint`, detail: 'must be an OpenSSH SHA256 fingerprint (SHA256:…)' });
    }
    if (!host.hostKeyFingerprint && !ssh.trustOnFirstUse) {
      errors.push({ pointer: `/ssh/hosts/${i}/hostKeyFingerprint`, detail: 'pin the host key (SHA256:…), or set ssh.trustOnFirstUse to accept the key the host presents first' });
    }
  });
  if (spec.replicas > ssh.hosts.length) {
    errors.push({ pointer: '/replicas', detail: `${spec.replicas} members need ${spec.replicas} hosts; ssh.hosts lists ${ssh.hosts.length}` });
  }
  return errors;
}

/** The credential of `ssh.credentialId`. */
export function sshCredentialOf(spec: ClusterSpec): CredentialReference | undefined {
  return spec.ssh?.credentialId ? { id: spec.ssh.credentialId, pointer: '/ssh/credentialId', kinds: SSH_CREDENTIAL_KINDS } : undefined;
}

/** The inventory's addresses: every host the spec may make a member. */
export function sshOccupiedAddresses(spec: ClusterSpec): string[] {
  return (spec.ssh?.hosts ?? []).map((h) => h.address);
}

/**
 * node.add: a given host joins the inventory (a host listed already is fine unless it is a
 * member: HOST_ALREADY_MEMBER); without one, an unused host of the inventory must be left
 * (NOT_ENOUGH_HOSTS). Returns a new spec; the caller's is not changed.
 */
export function addSshMember(spec: ClusterSpec, request: { host?: SshHostSpec }, members: readonly MemberRecord[]): ClusterSpec {
  const next = structuredClone(spec);
  const ssh = next.ssh;
  if (!ssh) throw new DomainError('invalid', 'VALIDATION_FAILED', '/ssh: an ssh cluster needs the ssh section', { errors: [{ pointer: '/ssh', detail: 'an ssh cluster needs the ssh section' }] });
  const host = request.host;
  if (host) {
    if (ssh.hosts.some((h) => h.address === host.address)) {
      if (members.some((m) => m.address === host.address)) throw new DomainError('conflict', 'HOST_ALREADY_MEMBER', `${host.address} is already a member`);
    } else {
      ssh.hosts.push(host);
    }
  } else if (ssh.hosts.length <= members.length) {
    const errors = [{ pointer: '/host', detail: 'every host of the inventory is a member already; give the host to add' }];
    throw new DomainError('invalid', 'NOT_ENOUGH_HOSTS', errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
  }
  return next;
}

/** Pins each learned key on its inventory host, unless that host has a pin already. */
export function pinSshHostKeys(spec: ClusterSpec, keys: readonly PinnedHostKey[]): ClusterSpec | undefined {
  if (!spec.ssh) return undefined;
  const next = structuredClone(spec);
  for (const key of keys) {
    const host = next.ssh?.hosts.find((h) => h.address === key.address);
    if (host && !host.hostKeyFingerprint) host.hostKeyFingerprint = key.fingerprint;
  }
  return next;
}

/** The SSH backend's spec rules, for whoever needs them without a backend instance. */
export const SSH_SPEC_RULES: BackendSpecRules = {
  kind: 'ssh',
  capabilities: SSH_CAPABILITIES,
  specDefaults: sshSpecDefaults,
  validateSpec: validateSshSpec,
  credentialOf: sshCredentialOf,
  occupiedAddresses: sshOccupiedAddresses,
  addMember: addSshMember,
  pinHostKeys: pinSshHostKeys,
  auditedFailures: SSH_AUDITED_FAILURES,
};
