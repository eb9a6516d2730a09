// The product's API with the real SSH backend, pointed at hosts of the host lab: what the SSH
// backend's lab tests and the provisioning benchmark share. Everything goes through HTTP; the
// lab's own plain SSH client reads the hosts back to check what the product did.
import { SshBackend, type SshBackendOptions } from '@galera-cp/backend-ssh';
import { HostLab, type LabCredentials, type LabHost } from '../lab/host-lab';
import { plainNodesFromLab, plainSql, readWsrepHealth, type PlainGaleraNode, type WsrepHealth } from '../lab/plain-galera';
import { LabSshSession, withLabSsh } from '../lab/lab-ssh';
import { eventually, startTestApp, type TestApp } from './test-app';

/** An API with the SSH backend, a lab, and an SSH key credential registered through the API. */
export interface SshLab {
  lab: HostLab;
  app: TestApp;
  backend: SshBackend;
  credentials: LabCredentials;
  /** Id of the credential holding the lab's client key. */
  credentialId: string;
  close(): Promise<void>;
}

/** Settings that keep the lab quick: a fast monitor, short SSH bounds, three attempts per step. */
export const SSH_LAB_ENV = {
  MONITOR_INTERVAL_SECONDS: '2',
  SSH_CONNECT_TIMEOUT_SECONDS: '5',
  SSH_COMMAND_TIMEOUT_SECONDS: '60',
  STEP_MAX_ATTEMPTS: '3',
  CLOCK_SKEW_MAX_MS: '1000',
  OPERATION_LEASE_SECONDS: '15',
  // A powered-off host fails its step at once here (the suites check that failure); a suite
  // that reboots hosts under an operation sets its own bound.
  SSH_HOST_WAIT_SECONDS: '0',
};

/** Opens (creates) a lab of `hosts` hosts and starts the API with the SSH backend. */
export async function startSshLab(name: string, hosts: number, options: { env?: Record<string, string>; backend?: SshBackendOptions } = {}): Promise<SshLab> {
  const lab = await HostLab.open({ name });
  // Fresh hosts every time: a lab left behind by an interrupted run keeps its datadirs, and a
  // suite must not start from another run's data (its identity and host keys are kept).
  await lab.down();
  await lab.up(hosts);
  const credentials = await lab.credentials();
  const backend = new SshBackend(options.backend);
  const app = await startTestApp({ backends: { ssh: backend }, env: { ...SSH_LAB_ENV, ...options.env } });
  const created = await app.call('POST', '/v1/credentials', { body: { name: `${name}-key`, kind: 'ssh-private-key', privateKey: credentials.privateKey } });
  if (created.status !== 201) throw new Error(`credential not created: ${created.status} ${JSON.stringify(created.body)}`);
  return {
    lab,
    app,
    backend,
    credentials,
    credentialId: created.body.id,
    async close() {
      await app.close().catch(() => undefined);
      await backend.close().catch(() => undefined);
    },
  };
}

/** A create-cluster body for lab hosts: pinned fingerprints (or trust on first use), small memory. */
export function labClusterBody(
  name: string,
  credentialId: string,
  hosts: readonly LabHost[],
  extra: { galera?: Record<string, unknown>; policy?: Record<string, unknown>; trustOnFirstUse?: readonly number[]; replicas?: number; force?: boolean } = {},
) {
  return {
    name,
    backend: 'ssh',
    ...(extra.replicas !== undefined ? { replicas: extra.replicas } : {}),
    ...(extra.force ? { force: true } : {}),
    galera: { sstMethod: 'rsync', gcacheSize: '32M', bufferPoolSize: '64M', ...(extra.galera ?? {}) },
    ...(extra.policy ? { policy: extra.policy } : {}),
    ssh: {
      credentialId,
      trustOnFirstUse: (extra.trustOnFirstUse ?? []).length > 0,
      hosts: hosts.map((h) => (extra.trustOnFirstUse?.includes(h.index) ? { address: h.address } : { address: h.address, hostKeyFingerprint: h.stableFingerprint })),
    },
  };
}

/** An operation as the API answers it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type OperationBody = any;

/** Waits until an operation is terminal (bounded), polling quickly. */
export async function waitForOperationEnd(app: TestApp, id: string, timeoutMs = 300_000): Promise<OperationBody> {
  return eventually(
    async () => {
      const answer = await app.call('GET', `/v1/operations/${id}`);
      return ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(answer.body.state) ? answer.body : undefined;
    },
    { timeoutMs, intervalMs: 100, what: `operation ${id} to finish` },
  );
}

/** The operation's log lines (for failure messages). */
export async function operationLog(app: TestApp, id: string): Promise<string> {
  const answer = await app.call('GET', `/v1/operations/${id}/logs?pageSize=500`);
  const items = (answer.body?.items ?? []) as { level: string; message: string }[];
  return items.map((l) => `${l.level} ${l.message}`).join('\n');
}

/** Waits for a cluster state (bounded); answers the cluster. */
export async function waitForClusterState(app: TestApp, id: string, state: string, timeoutMs = 60_000): Promise<OperationBody> {
  return eventually(
    async () => {
      const answer = await app.call('GET', `/v1/clusters/${id}`);
      return answer.body.status?.state === state ? answer.body : undefined;
    },
    { timeoutMs, intervalMs: 200, what: `cluster ${id} to be ${state}` },
  );
}

/** Plain SSH access to lab hosts (root, the lab key, the stable fingerprint). */
export function plainNodes(hosts: readonly LabHost[], credentials: LabCredentials): PlainGaleraNode[] {
  return plainNodesFromLab(hosts, credentials).map((n, i) => ({ ...n, ssh: { ...n.ssh, fingerprint: hosts[i].stableFingerprint } }));
}

/** Runs SQL on a lab host as root over the unix socket. */
export function sqlOn(node: PlainGaleraNode, sql: string): Promise<string[][]> {
  return withLabSsh(node.ssh, (ssh) => plainSql(ssh, sql));
}

/** The wsrep health of a lab host (undefined when its server does not answer). */
export function healthOf(node: PlainGaleraNode): Promise<WsrepHealth | undefined> {
  return withLabSsh(node.ssh, (ssh) => readWsrepHealth(ssh));
}

/** Runs a shell command on a lab host as root and returns its stdout. */
export function shellOn(node: PlainGaleraNode, command: string): Promise<string> {
  return withLabSsh(node.ssh, (ssh) => ssh.run(command, { timeoutMs: 60_000 }));
}

/**
 * A client that keeps inserting rows through the lab while something else happens, as an
 * application behind a simple proxy would: one SSH session per node, round-robin, one INSERT per
 * round trip; a failed insert counts as an error and its node is skipped for a second (the proxy
 * marks it down), the next insert goes to the next node.
 */
export class WritingClient {
  /** Every failed insert: node, time since start, the client's message. */
  readonly errors: { node: string; atMs: number; message: string }[] = [];
  acknowledged = 0;
  #stopped = false;
  #loop?: Promise<void>;
  #started = 0;

  constructor(
    private readonly nodes: readonly PlainGaleraNode[],
    private readonly table: string,
    private readonly skipAfterErrorMs = 1000,
  ) {}

  start(): void {
    this.#started = Date.now();
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
  }

  /** Errors counted by node and by message. */
  summary(): string {
    const byKind = new Map<string, number>();
    for (const e of this.errors) {
      const key = `${e.node}: ${e.message.replace(/\(\d+\)$/, '').trim()}`;
      byKind.set(key, (byKind.get(key) ?? 0) + 1);
    }
    return [...byKind.entries()].map(([k, n]) => `${n} x ${k}`).join('; ') || 'none';
  }

  async #run(): Promise<void> {
    const sessions: Array<LabSshSession | undefined> = await Promise.all(this.nodes.map((n) => LabSshSession.connect(n.ssh).catch(() => undefined)));
    const skipUntil = this.nodes.map(() => 0);
    try {
      for (let i = 0; !this.#stopped; i++) {
        const at = i % this.nodes.length;
        const session = sessions[at];
        if (!session || Date.now() < skipUntil[at]) {
          if (skipUntil.every((t) => Date.now() < t)) await new Promise((resolve) => setTimeout(resolve, 50));
          continue;
        }
        const result = await session
          .exec('mariadb -N -B', { input: `INSERT INTO ${this.table} (node, at) VALUES ('${this.nodes[at].name}', NOW(6));\n`, timeoutMs: 20_000 })
          .catch((error: Error) => ({ code: 255, stdout: '', stderr: error.message }));
        if (result.code === 0) this.acknowledged += 1;
        else {
          this.errors.push({ node: this.nodes[at].name, atMs: Date.now() - this.#started, message: result.stderr.trim().split('\n').pop() ?? '' });
          skipUntil[at] = Date.now() + this.skipAfterErrorMs;
        }
      }
    } finally {
      for (const s of sessions) s?.close();
    }
  }
}
