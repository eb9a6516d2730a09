// The Galera flows an administrator would type by hand, as plain shell commands over SSH (no
// product code). The lab's smoke test runs them, and benchmarks compare the product against
// exactly these steps. Each flow returns how long each step took.
import type { LabCredentials, LabHost } from './host-lab';
import { LabSshSession, type LabSshTarget } from './lab-ssh';

/** One node of a plain Galera cluster. */
export interface PlainGaleraNode {
  /** wsrep_node_name (the lab host name). */
  name: string;
  /** Address used for wsrep_node_address and gcomm://. */
  address: string;
  /** How to reach the node as root. */
  ssh: LabSshTarget;
}

/** Duration of one step of a flow. */
export interface PlainStepTiming {
  /** Step name: connect, configure, bootstrap, join, crash, recover, choose. */
  step: string;
  /** Node the step ran on, when it ran on one node. */
  node?: string;
  /** Wall-clock duration in milliseconds. */
  ms: number;
}

/** Timings of a whole flow. */
export interface PlainFlowResult {
  /** Steps in the order they ran. */
  steps: PlainStepTiming[];
  /** Wall-clock duration of the whole flow in milliseconds. */
  totalMs: number;
}

/** Position of one node after a full crash, as `galera_recovery` reports it. */
export interface RecoveredPosition {
  /** Node name. */
  node: string;
  /** Cluster state UUID. */
  uuid: string;
  /** Recovered sequence number (-1 when unknown). */
  seqno: number;
  /** safe_to_bootstrap from grastate.dat before recovery. */
  safeToBootstrap: boolean;
}

/** Result of {@link plainRecoverFullCrash}. */
export interface PlainRecoveryResult extends PlainFlowResult {
  /** Every node's recovered position. */
  positions: RecoveredPosition[];
  /** Name of the node that bootstrapped the cluster again. */
  bootstrapped: string;
}

/** Options shared by the flows. */
export interface PlainFlowOptions {
  /** wsrep_cluster_name (default `lab`). */
  clusterName?: string;
  /** Longest wait for a node to reach Synced, in ms (default 180 s). */
  syncTimeoutMs?: number;
  /** Called after each step, e.g. to print progress. */
  onStep?: (timing: PlainStepTiming) => void;
}

/** The wsrep status a healthy member shows. */
export interface WsrepHealth {
  /** wsrep_local_state_comment (Synced when healthy). */
  state: string;
  /** wsrep_cluster_size. */
  clusterSize: number;
  /** wsrep_cluster_status (Primary when healthy). */
  clusterStatus: string;
  /** wsrep_ready (ON when healthy). */
  ready: string;
}

const CONFIG_FILE = '/etc/mysql/mariadb.conf.d/99-lab-galera.cnf';
const GRASTATE = '/var/lib/mysql/grastate.dat';

/** Lab hosts as plain Galera nodes reached as root with the lab's client key. */
export function plainNodesFromLab(hosts: readonly LabHost[], credentials: LabCredentials): PlainGaleraNode[] {
  return hosts.map((host) => ({
    name: host.hostname,
    address: host.address,
    ssh: {
      host: host.address,
      port: host.sshPort,
      username: credentials.rootUser,
      privateKey: credentials.privateKey,
      fingerprint: host.fingerprint,
    },
  }));
}

/**
 * The minimal wsrep configuration of the plain flows. log_error is set for mysqld_safe too
 * (Debian passes --skip-log-error otherwise), skip_syslog is a mysqld_safe option (mariadbd
 * refuses it), and SST logs to the error log, not syslog.
 */
export function renderPlainGaleraConfig(node: PlainGaleraNode, members: readonly PlainGaleraNode[], clusterName = 'lab'): string {
  return [
    '# Plain Galera configuration written by test/lab/plain-galera.ts',
    '[mysqld]',
    'log_error = /var/log/mysql/error.log',
    'binlog_format = ROW',
    'default_storage_engine = InnoDB',
    'innodb_autoinc_lock_mode = 2',
    'innodb_flush_log_at_trx_commit = 1',
    'innodb_buffer_pool_size = 64M',
    'wsrep_on = ON',
    'wsrep_provider = /usr/lib/galera/libgalera_smm.so',
    `wsrep_cluster_name = ${clusterName}`,
    `wsrep_cluster_address = gcomm://${members.map((m) => m.address).join(',')}`,
    `wsrep_node_address = ${node.address}`,
    `wsrep_node_name = ${node.name}`,
    'wsrep_sst_method = rsync',
    'wsrep_provider_options = "gcache.size=32M"',
    '',
    '[mysqld_safe]',
    'log_error = /var/log/mysql/error.log',
    'skip_syslog',
    '',
    '[sst]',
    'sst-syslog = -1',
    '',
  ].join('\n');
}

// The init script waits only 30 s for the server by default; an rsync SST can take longer.
const STARTUP_TIMEOUT_SECONDS = 120;
const DEFAULT_MARIADB = `MYSQLD_STARTUP_TIMEOUT=${STARTUP_TIMEOUT_SECONDS}\n`;
// The init script gives up after STARTUP_TIMEOUT_SECONDS; the SSH command may take a bit longer.
const SERVICE_TIMEOUT_MS = (STARTUP_TIMEOUT_SECONDS + 30) * 1000;

class Timer {
  readonly steps: PlainStepTiming[] = [];
  private readonly started = Date.now();
  constructor(private readonly onStep?: (timing: PlainStepTiming) => void) {}

  async time<T>(step: string, node: string | undefined, action: () => Promise<T>): Promise<T> {
    const begin = Date.now();
    const value = await action();
    const timing: PlainStepTiming = node === undefined ? { step, ms: Date.now() - begin } : { step, node, ms: Date.now() - begin };
    this.steps.push(timing);
    this.onStep?.(timing);
    return value;
  }

  result(): PlainFlowResult {
    return { steps: this.steps, totalMs: Date.now() - this.started };
  }
}

async function connectAll(nodes: readonly PlainGaleraNode[]): Promise<LabSshSession[]> {
  const settled = await Promise.allSettled(nodes.map((node) => LabSshSession.connect(node.ssh)));
  const sessions = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    for (const session of sessions) session.close();
    throw failed.reason;
  }
  return sessions;
}

async function withSessions<T>(nodes: readonly PlainGaleraNode[], timer: Timer, action: (sessions: LabSshSession[]) => Promise<T>): Promise<T> {
  const sessions = await timer.time('connect', undefined, () => connectAll(nodes));
  try {
    return await action(sessions);
  } finally {
    for (const session of sessions) session.close();
  }
}

/** Runs SQL through the local `mariadb` client as root (unix socket), returning tab-separated rows. */
export async function plainSql(session: LabSshSession, sql: string): Promise<string[][]> {
  const out = await session.run('mariadb -N -B', { input: sql, timeoutMs: 30_000 });
  return out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

/** Reads the wsrep variables that say whether a node is a healthy member; undefined when the server does not answer. */
export async function readWsrepHealth(session: LabSshSession): Promise<WsrepHealth | undefined> {
  const result = await session.exec('mariadb -N -B', {
    input: "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_state_comment','wsrep_cluster_size','wsrep_cluster_status','wsrep_ready');\n",
    timeoutMs: 15_000,
  });
  if (result.code !== 0) return undefined;
  const values = new Map(
    result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('\t') as [string, string]),
  );
  return {
    state: values.get('wsrep_local_state_comment') ?? '',
    clusterSize: Number(values.get('wsrep_cluster_size') ?? 0),
    clusterStatus: values.get('wsrep_cluster_status') ?? '',
    ready: values.get('wsrep_ready') ?? '',
  };
}

/** Polls until the node is Synced, Primary, ready, in a cluster of `size` members. */
export async function waitSynced(session: LabSshSession, node: string, size: number, timeoutMs: number): Promise<WsrepHealth> {
  const deadline = Date.now() + timeoutMs;
  let last: WsrepHealth | undefined;
  for (;;) {
    last = await readWsrepHealth(session);
    if (last && last.state === 'Synced' && last.clusterStatus === 'Primary' && last.ready === 'ON' && last.clusterSize === size) return last;
    if (Date.now() >= deadline) {
      const log = await session.exec('tail -n 30 /var/log/mysql/error.log', { timeoutMs: 10_000 }).catch(() => undefined);
      throw new Error(`${node} not Synced in a cluster of ${size} after ${timeoutMs} ms (last: ${JSON.stringify(last ?? 'server not answering')})\n${log?.stdout ?? ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function writeConfig(session: LabSshSession, node: PlainGaleraNode, members: readonly PlainGaleraNode[], clusterName: string): Promise<void> {
  await session.run(`cat > ${CONFIG_FILE}`, { input: renderPlainGaleraConfig(node, members, clusterName) });
  await session.run('cat > /etc/default/mariadb', { input: DEFAULT_MARIADB });
}

async function serviceCommand(session: LabSshSession, node: string, action: 'bootstrap' | 'start', timeoutMs: number): Promise<void> {
  const result = await session.exec(`service mariadb ${action}`, { timeoutMs });
  if (result.code !== 0) {
    const log = await session.exec('tail -n 40 /var/log/mysql/error.log', { timeoutMs: 10_000 }).catch(() => undefined);
    throw new Error(`\`service mariadb ${action}\` failed on ${node} (${result.code}): ${result.stdout}${result.stderr}\n${log?.stdout ?? ''}`);
  }
}

/**
 * Creates a cluster: writes the configuration on every node, `service mariadb bootstrap` on
 * the first, then `service mariadb start` on the others one at a time, each waited to Synced.
 */
export async function plainCreateCluster(nodes: readonly PlainGaleraNode[], options: PlainFlowOptions = {}): Promise<PlainFlowResult> {
  if (nodes.length === 0) throw new Error('plainCreateCluster needs at least one node');
  const clusterName = options.clusterName ?? 'lab';
  const syncTimeoutMs = options.syncTimeoutMs ?? 180_000;
  const timer = new Timer(options.onStep);
  await withSessions(nodes, timer, async (sessions) => {
    await timer.time('configure', undefined, () => Promise.all(nodes.map((node, i) => writeConfig(sessions[i]!, node, nodes, clusterName))));
    await timer.time('bootstrap', nodes[0]!.name, async () => {
      await serviceCommand(sessions[0]!, nodes[0]!.name, 'bootstrap', SERVICE_TIMEOUT_MS);
      await waitSynced(sessions[0]!, nodes[0]!.name, 1, syncTimeoutMs);
    });
    for (let i = 1; i < nodes.length; i++) {
      await timer.time('join', nodes[i]!.name, async () => {
        await serviceCommand(sessions[i]!, nodes[i]!.name, 'start', SERVICE_TIMEOUT_MS);
        await waitSynced(sessions[i]!, nodes[i]!.name, i + 1, syncTimeoutMs);
      });
    }
  });
  return timer.result();
}

/**
 * Adds a node: the new node gets the configuration with every member's address, the existing
 * members get the new gcomm:// list in their file (effective at their next restart, no restart
 * now), then `service mariadb start` on the new node, waited to Synced.
 */
export async function plainAddNode(members: readonly PlainGaleraNode[], node: PlainGaleraNode, options: PlainFlowOptions = {}): Promise<PlainFlowResult> {
  const clusterName = options.clusterName ?? 'lab';
  const syncTimeoutMs = options.syncTimeoutMs ?? 180_000;
  const all = [...members, node];
  const timer = new Timer(options.onStep);
  await withSessions(all, timer, async (sessions) => {
    await timer.time('configure', undefined, () => Promise.all(all.map((member, i) => writeConfig(sessions[i]!, member, all, clusterName))));
    const session = sessions[all.length - 1]!;
    await timer.time('join', node.name, async () => {
      await serviceCommand(session, node.name, 'start', SERVICE_TIMEOUT_MS);
      await waitSynced(session, node.name, all.length, syncTimeoutMs);
    });
  });
  return timer.result();
}

/** Parses `galera_recovery` output (`--wsrep_start_position=<uuid>:<seqno>`). */
export function parseRecoveredPosition(output: string): { uuid: string; seqno: number } | undefined {
  const match = /--wsrep[_-]start[_-]position=([0-9a-f-]{36}):(-?\d+)/.exec(output);
  return match ? { uuid: match[1]!, seqno: Number(match[2]) } : undefined;
}

/** Galera: only the most advanced node may bootstrap; ties go to the first in the given order. */
export function chooseMostAdvanced(positions: readonly RecoveredPosition[]): RecoveredPosition {
  const usable = positions.filter((p) => p.seqno >= 0 && !/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(p.uuid));
  const safe = usable.find((p) => p.safeToBootstrap);
  if (safe) return safe;
  const best = usable.reduce<RecoveredPosition | undefined>((top, p) => (top === undefined || p.seqno > top.seqno ? p : top), undefined);
  if (!best) throw new Error(`no node has a usable recovered position: ${JSON.stringify(positions)}`);
  return best;
}

/**
 * Full-crash recovery: SIGKILL every mysqld_safe and mariadbd, run `galera_recovery` on each
 * node, set safe_to_bootstrap: 1 on the most advanced, bootstrap it, start the others one by one.
 */
export async function plainRecoverFullCrash(nodes: readonly PlainGaleraNode[], options: PlainFlowOptions = {}): Promise<PlainRecoveryResult> {
  const syncTimeoutMs = options.syncTimeoutMs ?? 180_000;
  const timer = new Timer(options.onStep);
  let positions: RecoveredPosition[] = [];
  let chosen: RecoveredPosition | undefined;
  await withSessions(nodes, timer, async (sessions) => {
    await timer.time('crash', undefined, () =>
      Promise.all(
        sessions.map((session) =>
          // mysqld_safe first, so it cannot restart the server it watches.
          session.run(
            'killall -q -9 mysqld_safe; killall -q -9 mariadbd; for i in $(seq 1 100); do pgrep -x mariadbd >/dev/null || exit 0; sleep 0.1; done; echo "mariadbd still running" >&2; exit 1',
            { timeoutMs: 30_000 },
          ),
        ),
      ),
    );
    positions = await timer.time('recover', undefined, () =>
      Promise.all(
        nodes.map(async (node, i) => {
          const session = sessions[i]!;
          const grastate = await session.run(`cat ${GRASTATE}`);
          const out = await session.run('galera_recovery', { timeoutMs: 120_000 });
          const position = parseRecoveredPosition(out);
          if (!position) throw new Error(`galera_recovery on ${node.name} printed no position: ${out}`);
          return { node: node.name, ...position, safeToBootstrap: /^safe_to_bootstrap:\s*1/m.test(grastate) };
        }),
      ),
    );
    chosen = chooseMostAdvanced(positions);
    const first = nodes.findIndex((node) => node.name === chosen!.node);
    await timer.time('bootstrap', nodes[first]!.name, async () => {
      await sessions[first]!.run(`sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' ${GRASTATE}`);
      await serviceCommand(sessions[first]!, nodes[first]!.name, 'bootstrap', SERVICE_TIMEOUT_MS);
      await waitSynced(sessions[first]!, nodes[first]!.name, 1, syncTimeoutMs);
    });
    let size = 1;
    for (let i = 0; i < nodes.length; i++) {
      if (i === first) continue;
      size++;
      const expected = size;
      await timer.time('join', nodes[i]!.name, async () => {
        await serviceCommand(sessions[i]!, nodes[i]!.name, 'start', SERVICE_TIMEOUT_MS);
        await waitSynced(sessions[i]!, nodes[i]!.name, expected, syncTimeoutMs);
      });
    }
  });
  return { ...timer.result(), positions, bootstrapped: chosen!.node };
}
