import { BackendKind, ClusterPolicy, ClusterSpec, KubernetesResources, SshHostSpec } from '@galera-cp/backends';
import { DomainError, FieldError } from '@galera-cp/core';
import { checkClusterSize, validateParameters } from '@galera-cp/galera';

/** A cluster as a client asks for it (the API DTO has this shape). */
export interface NewClusterInput {
  name: string;
  backend: BackendKind;
  replicas?: number;
  force?: boolean;
  engine?: { version?: string };
  galera?: { sstMethod?: 'mariabackup' | 'rsync'; gcacheSize?: string; bufferPoolSize?: string; parameters?: Record<string, string | number | boolean> };
  policy?: Partial<ClusterPolicy>;
  ssh?: { credentialId: string; user?: string; port?: number; hosts: SshHostSpec[]; trustOnFirstUse?: boolean };
  kubernetes?: { credentialId?: string; namespace?: string; image?: string; storageSize?: string; storageClassName?: string; resources?: KubernetesResources };
  labels?: Record<string, string>;
}

/** Defaults a client may leave out. */
export const SPEC_DEFAULTS = {
  engineVersion: '10.11',
  sstMethod: 'mariabackup' as const,
  gcacheSize: '512M',
  bufferPoolSize: '256M',
  sshUser: 'root',
  sshPort: 22,
  kubernetesNamespace: 'default',
  kubernetesImage: 'mariadb:10.11',
  kubernetesStorageSize: '10Gi',
  kubernetesReplicas: 3,
};

/** The full spec of a new cluster, defaults applied. */
export function specOf(input: NewClusterInput): ClusterSpec {
  const replicas = input.replicas ?? (input.backend === 'ssh' ? input.ssh?.hosts.length ?? 0 : SPEC_DEFAULTS.kubernetesReplicas);
  return {
    backend: input.backend,
    replicas,
    engine: { flavor: 'mariadb', version: input.engine?.version ?? SPEC_DEFAULTS.engineVersion },
    galera: {
      sstMethod: input.galera?.sstMethod ?? SPEC_DEFAULTS.sstMethod,
      gcacheSize: input.galera?.gcacheSize ?? SPEC_DEFAULTS.gcacheSize,
      bufferPoolSize: input.galera?.bufferPoolSize ?? SPEC_DEFAULTS.bufferPoolSize,
      parameters: input.galera?.parameters ?? {},
    },
    policy: {
      autoRecovery: input.policy?.autoRecovery ?? false,
      deletionProtection: input.policy?.deletionProtection ?? false,
      donorServesTraffic: input.policy?.donorServesTraffic ?? false,
    },
    ...(input.ssh
      ? {
          ssh: {
            credentialId: input.ssh.credentialId,
            user: input.ssh.user ?? SPEC_DEFAULTS.sshUser,
            port: input.ssh.port ?? SPEC_DEFAULTS.sshPort,
            hosts: input.ssh.hosts.map((h) => ({ address: h.address, ...(h.hostKeyFingerprint ? { hostKeyFingerprint: h.hostKeyFingerprint } : {}) })),
            trustOnFirstUse: input.ssh.trustOnFirstUse ?? false,
          },
        }
      : {}),
    ...(input.kubernetes
      ? {
          kubernetes: {
            ...(input.kubernetes.credentialId ? { credentialId: input.kubernetes.credentialId } : {}),
            namespace: input.kubernetes.namespace ?? SPEC_DEFAULTS.kubernetesNamespace,
            image: input.kubernetes.image ?? SPEC_DEFAULTS.kubernetesImage,
            storageSize: input.kubernetes.storageSize ?? SPEC_DEFAULTS.kubernetesStorageSize,
            ...(input.kubernetes.storageClassName ? { storageClassName: input.kubernetes.storageClassName } : {}),
            ...(input.kubernetes.resources ? { resources: input.kubernetes.resources } : {}),
          },
        }
      : {}),
  };
}

/** Refuses a request with field errors (400 VALIDATION_FAILED). */
export function refuse(code: string, errors: FieldError[]): never {
  throw new DomainError('invalid', code, errors.map((e) => `${e.pointer}: ${e.detail}`).join('; '), { errors });
}

/**
 * The backend-neutral checks of a spec: the backend section matches the backend, the size keeps
 * the quorum rule (odd, >= 3, unless forced), SSH hosts are distinct, enough and pinned, and the
 * server parameters are in the allow-list. Returns the warnings a forced size carries.
 */
export function checkSpec(spec: ClusterSpec, force: boolean, pointer = ''): string[] {
  const errors: FieldError[] = [];
  if (spec.backend === 'ssh' && !spec.ssh) errors.push({ pointer: `${pointer}/ssh`, detail: 'an ssh cluster needs the ssh section' });
  if (spec.backend !== 'ssh' && spec.ssh) errors.push({ pointer: `${pointer}/ssh`, detail: `not allowed for a ${spec.backend} cluster` });
  if (spec.backend === 'kubernetes' && !spec.kubernetes) errors.push({ pointer: `${pointer}/kubernetes`, detail: 'a kubernetes cluster needs the kubernetes section' });
  if (spec.backend !== 'kubernetes' && spec.kubernetes) errors.push({ pointer: `${pointer}/kubernetes`, detail: `not allowed for a ${spec.backend} cluster` });
  if (spec.ssh) {
    const seen = new Set<string>();
    spec.ssh.hosts.forEach((host, i) => {
      if (seen.has(host.address)) errors.push({ pointer: `${pointer}/ssh/hosts/${i}/address`, detail: `${host.address} is listed twice` });
      seen.add(host.address);
      if (!host.hostKeyFingerprint && !spec.ssh?.trustOnFirstUse) {
        errors.push({ pointer: `${pointer}/ssh/hosts/${i}/hostKeyFingerprint`, detail: 'pin the host key (SHA256:…), or set ssh.trustOnFirstUse to accept the key the host presents first' });
      }
    });
    if (spec.replicas > spec.ssh.hosts.length) {
      errors.push({ pointer: `${pointer}/replicas`, detail: `${spec.replicas} members need ${spec.replicas} hosts; ssh.hosts lists ${spec.ssh.hosts.length}` });
    }
  }
  const size = checkClusterSize(spec.replicas, { force });
  if (!size.allowed) errors.push({ pointer: `${pointer}/replicas`, detail: size.message });
  const parameters = validateParameters(spec.galera.parameters, { pointerPrefix: `${pointer}/galera/parameters` });
  errors.push(...parameters.errors.map((e) => ({ pointer: e.pointer, detail: e.detail })));
  if (errors.length > 0) refuse(size.allowed ? 'VALIDATION_FAILED' : size.code, errors);
  return [...(size.risk ? [`Unsafe size accepted with force: ${size.risk}`] : []), ...parameters.warnings.map((w) => w.detail)];
}
