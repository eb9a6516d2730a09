/** Backends the control plane drives. */
export const BACKEND_KINDS = ['ssh', 'kubernetes'] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

/** One host of an SSH cluster's inventory. */
export interface SshHostSpec {
  /** IP address or DNS name the control plane and the other members reach the host at. */
  address: string;
  /** Pinned SHA-256 host key fingerprint (`SHA256:…`); absent only with trustOnFirstUse. */
  hostKeyFingerprint?: string;
}

/** How an SSH cluster is reached. */
export interface SshSpec {
  credentialId: string;
  user: string;
  port: number;
  /** The inventory: members are taken from it in order; scaling out uses the next unused host. */
  hosts: SshHostSpec[];
  /** Accept and pin the key a host presents the first time (when no fingerprint is given). */
  trustOnFirstUse: boolean;
}

/** Compute resources of a Kubernetes pod. */
export interface KubernetesResources {
  cpu?: string;
  memory?: string;
}

/** How a Kubernetes cluster is laid out. */
export interface KubernetesSpec {
  /** Kubeconfig credential; absent means in-cluster configuration. */
  credentialId?: string;
  namespace: string;
  image: string;
  storageSize: string;
  storageClassName?: string;
  resources?: KubernetesResources;
}

/** Galera settings shared by both backends. */
export interface GaleraSpec {
  sstMethod: 'mariabackup' | 'rsync';
  gcacheSize: string;
  bufferPoolSize: string;
  /** Extra validated server parameters (see libs/galera parameters allow-list). */
  parameters: Record<string, string | number | boolean>;
}

/** What to do when things go wrong, and what to protect. */
export interface ClusterPolicy {
  /** Run full-crash recovery without waiting for an operator's approval. */
  autoRecovery: boolean;
  /** Refuse cluster.delete until this is turned off. */
  deletionProtection: boolean;
  /** Treat a Donor/Desynced node as serving (for the health rule). */
  donorServesTraffic: boolean;
}

/** The desired state of a cluster, written by clients. */
export interface ClusterSpec {
  backend: BackendKind;
  replicas: number;
  engine: { flavor: 'mariadb'; version: string };
  galera: GaleraSpec;
  policy: ClusterPolicy;
  ssh?: SshSpec;
  kubernetes?: KubernetesSpec;
}

/** The SSH section as a client writes it (defaults applied by the SSH backend). */
export interface SshSpecInput {
  credentialId: string;
  user?: string;
  port?: number;
  hosts: SshHostSpec[];
  trustOnFirstUse?: boolean;
}

/** The Kubernetes section as a client writes it (defaults applied by the Kubernetes backend). */
export interface KubernetesSpecInput {
  credentialId?: string;
  namespace?: string;
  image?: string;
  storageSize?: string;
  storageClassName?: string;
  resources?: KubernetesResources;
}

/**
 * A new cluster's spec before its backend completed it: the shared parts have their defaults;
 * `replicas` and the backend sections are as the client wrote them.
 */
export interface ClusterSpecDraft extends Omit<ClusterSpec, 'replicas' | BackendKind>, BackendSectionInputs {
  replicas?: number;
}

/** The backend sections of a request, by backend kind, as a client writes them. */
export interface BackendSectionInputs {
  ssh?: SshSpecInput;
  kubernetes?: KubernetesSpecInput;
}

/** The sections of a spec, by backend kind: each backend owns the section named after it. */
export type BackendSections = Pick<ClusterSpec, BackendKind>;
