/**
 * Checks before a host becomes (or while it is) a member: its clock against the control plane's,
 * its facts against the cluster's needs, and TCP paths between members. Every refusal is a
 * `BackendError` with a stable code naming the member.
 */
import { performance } from 'node:perf_hooks';
import { BackendError } from '@galera-cp/backends';
import { judgeExistingData, type ExistingData } from '@galera-cp/galera';
import { estimateClockSkew, judgeClockSkew, parseRemoteClock, remoteClockCommand, type ClockSample, type ClockSkew } from './clock-skew';
import { checkHostFacts, existingDataCommand, parseExistingData, type HostExpectations, type HostFacts } from './host-facts';
import { markerNonce } from './remote-files';
import type { RemoteHost } from './remote-host';
import { and, command, or, sequence, tcpProbeCommand, type RemoteCommand } from './shell';
import { memberError, type SshBackendErrorCode } from './ssh-backend.errors';

/** Samples per clock measurement (the shortest round trip wins). */
const CLOCK_SAMPLES = 3;

function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Measures the host's clock skew (`date +%s%N`, RTT-compensated) and refuses beyond `maxMs`
 * with CLOCK_SKEW_TOO_LARGE. Runs as the login user: sudo would reset the session's environment.
 */
export async function checkClockSkew(host: RemoteHost, maxMs: number): Promise<ClockSkew> {
  const samples: ClockSample[] = [];
  for (let i = 0; i < CLOCK_SAMPLES; i++) {
    const sentAtMs = now();
    const result = await host.run(remoteClockCommand(), { sudo: false, log: 'quiet', timeoutMs: 10_000 });
    const receivedAtMs = now();
    const reading = parseRemoteClock(result.stdout);
    if (!reading) throw memberError('REMOTE_COMMAND_FAILED', host.node, `cannot read the host's clock from \`date +%s%N\`: ${JSON.stringify(result.stdout.slice(0, 80))}`);
    samples.push({ sentAtMs, receivedAtMs, ...reading });
  }
  const skew = estimateClockSkew(samples);
  const verdict = judgeClockSkew(skew, maxMs);
  if (!verdict.ok) {
    throw memberError('CLOCK_SKEW_TOO_LARGE', host.node, `${host.address}: ${verdict.message}`, {
      details: { address: host.address, offsetMs: Math.round(skew.offsetMs), uncertaintyMs: Math.ceil(skew.uncertaintyMs), maxMs },
    });
  }
  return skew;
}

/** Refuses a host whose facts fail the checks (the first problem's code; every problem in the message). */
export function assertHostFit(host: RemoteHost, facts: HostFacts, expect: HostExpectations): void {
  const problems = checkHostFacts(facts, expect);
  if (problems.length === 0) return;
  throw memberError(problems[0].code as SshBackendErrorCode, host.node, `${host.address} cannot become a member: ${problems.map((p) => `${p.code}: ${p.message}`).join('; ')}`, {
    details: { address: host.address, problems },
  });
}

/** Reads what the host's datadir holds (grastate.dat, subdirectories). */
export async function readExistingData(host: RemoteHost, facts: HostFacts): Promise<ExistingData> {
  const nonce = markerNonce();
  const result = await host.run(existingDataCommand(facts.datadir, nonce), { log: 'quiet', timeoutMs: 30_000 });
  return parseExistingData(result.stdout, nonce, facts.datadir);
}

/**
 * Refuses a new member whose datadir holds another cluster's history or a standalone server's
 * databases (HOST_HAS_DATA, see `judgeExistingData`); `clusterHistories` are the state UUIDs of
 * the cluster it joins (none at create).
 */
export function assertNoForeignData(host: RemoteHost, data: ExistingData, clusterHistories: readonly string[]): void {
  const verdict = judgeExistingData(data, clusterHistories);
  if (verdict.ok) return;
  throw memberError(verdict.code, host.node, `${host.address}: ${verdict.message}`, {
    details: { address: host.address, datadir: data.datadir, schemas: verdict.schemas, ...(verdict.history ? { history: verdict.history } : {}) },
  });
}

/** One probe's outcome line. */
const PROBE_LINE = /^probe (ok|fail) (\S+)$/;

/** Probes TCP paths from one host to each peer (`host:port`), printing `probe ok|fail <address>` per peer. */
export function reachabilityCommand(peers: readonly { address: string; port: number }[]): RemoteCommand {
  const probes = peers.map((p) => or(and(tcpProbeCommand(p.address, p.port, 3), command('printf', 'probe ok %s\\n', p.address)), command('printf', 'probe fail %s\\n', p.address)));
  return probes.length === 1 ? probes[0] : sequence(...probes);
}

/** Reads {@link reachabilityCommand}'s output: the addresses that could not be reached. */
export function parseReachability(stdout: string): { reached: string[]; failed: string[] } {
  const reached: string[] = [];
  const failed: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = PROBE_LINE.exec(line.trim());
    if (m) (m[1] === 'ok' ? reached : failed).push(m[2]);
  }
  return { reached, failed };
}

/**
 * Galera members talk to each other directly (4567, 4568, 4444, 3306): proves from each host a
 * TCP path to every other member's sshd port (the Galera ports are not listening yet on new
 * hosts). Fails with MEMBER_UNREACHABLE naming both ends.
 */
export async function checkMemberReachability(hosts: readonly RemoteHost[], port: number): Promise<void> {
  const failures: string[] = [];
  await Promise.all(
    hosts.map(async (from) => {
      const peers = hosts.filter((h) => h !== from).map((h) => ({ address: h.address, port }));
      if (peers.length === 0) return;
      const result = await from.run(reachabilityCommand(peers), { sudo: false, log: 'quiet', timeoutMs: 30_000 });
      const { reached, failed } = parseReachability(result.stdout);
      const unanswered = peers.filter((p) => !reached.includes(p.address) && !failed.includes(p.address)).map((p) => p.address);
      for (const address of [...failed, ...unanswered]) failures.push(`${from.node} (${from.address}) cannot open a TCP connection to ${address}:${port}`);
    }),
  );
  if (failures.length > 0) {
    throw new BackendError('MEMBER_UNREACHABLE', `members must reach each other (Galera uses 3306, 4444, 4567, 4568 between them): ${failures.join('; ')}`, { details: { failures } });
  }
}
