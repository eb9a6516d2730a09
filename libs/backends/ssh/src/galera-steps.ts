/**
 * The SSH backend's steps, one function per verb (see SSH_ACTIONS). Every step checks the remote
 * state first, so running it again after a crash or a retry finishes what is left and repeats
 * nothing that would harm; it reports member changes for the control plane to persist.
 */
import type { ClusterTarget, MemberChange, StepResult } from '@galera-cp/backends';
import { canRemoveMembers, chooseDonor, GALERA_PORT_NUMBERS, isRecentlyRestarted, renderGaleraConfig, renderGrastate, type DonorCandidate, type SstMethod, type WsrepStatus } from '@galera-cp/galera';
import { configuredForUs, missingPackages, platformOf, runsOurGalera, type HostFacts } from './host-facts';
import type { HostConnections, HostRef } from './host-connections';
import { isSyncedMember, launchStart, pause, readNodeStatus, readStateFiles, startNode, stopNode, waitForSynced, type NodeStatus } from './galera-node';
import { assertOwnHost } from './host-owner';
import { sqlCommand, stateFilePaths } from './mariadb-client';
import { assertHostFit, assertNoForeignData, checkClockSkew, checkMemberReachability, readExistingData } from './preflight';
import { readFiles, writeFileIfChanged } from './remote-files';
import type { RemoteHost, StepLog } from './remote-host';
import { command, emptyDirectoryCommand } from './shell';
import { memberError } from './ssh-backend.errors';
import type { SshAction, SshStep, SshStepOf, SshStepParams } from './ssh-steps';
import { BackendError } from '@galera-cp/backends';

/** Settings of the steps (from the target's settings and the backend's options). */
export interface StepSettings {
  clockSkewMaxMs: number;
  minFreeDiskBytes: number;
  pollIntervalMs: number;
  /** Bound of waiting for Synced after a start. */
  syncTimeoutMs: number;
}

/** Everything a step runs with; `step.params` are typed by the action (ssh-steps.ts, narrowed by toSshStep). */
export interface StepEnv<A extends SshAction = SshAction> {
  target: ClusterTarget;
  step: SshStepOf<A>;
  hosts: HostConnections;
  signal: AbortSignal;
  log: StepLog;
  settings: StepSettings;
}

/** A member as it is when a step leaves it. */
function memberUpsert(ref: HostRef, phase: string, wsrepState: string, status?: WsrepStatus, healthy?: boolean): MemberChange {
  return {
    op: 'upsert',
    member: {
      name: ref.node,
      ordinal: ref.ordinal,
      address: ref.address,
      role: 'member',
      phase,
      wsrepState,
      ...(status?.lastCommitted !== undefined ? { seqno: status.lastCommitted } : {}),
      ...(healthy !== undefined ? { healthy } : {}),
    },
  };
}

function synced(ref: HostRef, status: WsrepStatus): MemberChange {
  return memberUpsert(ref, 'Member', status.localStateComment ?? 'Synced', status, true);
}

/**
 * Reads a member's status and refuses, before anything changes, a host another cluster owns
 * (HOST_OWNED_BY_OTHER_CLUSTER): its hosts may have been rebuilt and given to another cluster.
 */
async function ownStatus(env: StepEnv, host: RemoteHost, doing: string): Promise<NodeStatus> {
  const status = await readNodeStatus(host);
  assertOwnHost(env.target, host, status, doing);
  return status;
}

/** The parameters of the step an executor runs. */
function paramsOf<A extends SshAction>(env: StepEnv<A>): SshStepParams[A] {
  return env.step.params;
}

/** Ports of the cluster's sshd (for reachability probes). */
function sshPort(env: StepEnv): number {
  return env.target.spec.ssh?.port ?? 22;
}

/**
 * `ssh.preflight`: connect to every host (host keys pinned or learned on first use, credential,
 * sudo), measure clock skew, read the facts of the hosts that become members and check them
 * (service manager, ports, disk, memory, another cluster), and prove TCP paths between all of
 * them. New members are recorded as Pending, so a delete after a failure cleans them up.
 */
export async function preflight(env: StepEnv<'ssh.preflight'>): Promise<StepResult> {
  const { hosts, members, register } = paramsOf(env);
  const all = [...hosts, ...members];
  const connected = await env.hosts.all(all);
  const expect = {
    clusterName: env.target.name,
    clusterId: env.target.clusterId,
    minFreeDiskBytes: env.settings.minFreeDiskBytes,
    bufferPoolSize: env.target.spec.galera.bufferPoolSize,
    sstMethod: env.target.spec.galera.sstMethod,
  };
  // Existing members' facts are read now, in parallel, for the later steps of the operation
  // (cached per connection), with their grastate.dat: the cluster's history, which a new host's
  // data may belong to.
  const histories = Promise.all(
    connected.slice(hosts.length).map(async (host) => {
      await ownStatus(env, host, 'add members next to it');
      await host.facts(true);
      return (await readStateFiles(host)).grastate?.uuid;
    }),
  );
  // Independent checks run at once (each host's commands share its connection, on separate channels).
  const [, facts] = await Promise.all([
    Promise.all(connected.map((h) => checkClockSkew(h, env.settings.clockSkewMaxMs))),
    Promise.all(
      connected.slice(0, hosts.length).map(async (host) => {
        const read = await host.facts(true);
        assertHostFit(host, read, expect);
        // A host our configuration names (a retried step) is ours; any other must not hold data.
        if (!configuredForUs(read, expect))
          assertNoForeignData(
            host,
            await readExistingData(host, read),
            (await histories).filter((u): u is string => u !== undefined),
          );
        return [host.node, summary(read)] as const;
      }),
    ),
    histories,
    checkMemberReachability(connected, sshPort(env)),
  ]);
  for (const [node, f] of facts) env.log(`${node}: ${f.distribution}, ${f.serviceManager}, datadir ${f.datadir}, ${f.diskFreeMiB} MiB free, ${f.memoryMiB} MiB memory`, 'info');
  return {
    output: { hosts: Object.fromEntries(facts) },
    members: register ? hosts.map((ref) => memberUpsert(ref, 'Pending', 'Unknown', undefined, false)) : [],
    pinnedHostKeys: env.hosts.pinnedHostKeys(),
  };
}

function summary(facts: HostFacts) {
  return {
    distribution: facts.os.prettyName,
    family: facts.os.family,
    serviceManager: facts.serviceManager,
    datadir: facts.datadir,
    diskFreeMiB: facts.diskAvailableBytes !== undefined ? Math.floor(facts.diskAvailableBytes / 1024 ** 2) : null,
    memoryMiB: facts.memory ? Math.floor(facts.memory.totalBytes / 1024 ** 2) : null,
    galeraPortsInUse: facts.listening.filter((l) => GALERA_PORT_NUMBERS.includes(l.port)).map((l) => l.port),
  };
}

/** `ssh.check-hosts`: connect to every member (host keys, credential) and check its clock. */
export async function checkHosts(env: StepEnv<'ssh.check-hosts'>): Promise<StepResult> {
  const connected = await env.hosts.all(paramsOf(env).hosts);
  await Promise.all(
    connected.map(async (h) => {
      await ownStatus(env, h, 'act on it');
      await checkClockSkew(h, env.settings.clockSkewMaxMs);
    }),
  );
  return { output: { reached: connected.map((h) => h.node) }, pinnedHostKeys: env.hosts.pinnedHostKeys() };
}

/**
 * `ssh.install-packages`: installs MariaDB, Galera and the SST tools where they are missing
 * (apt-get / dnf); skips hosts that have them. On systemd hosts the package starts a standalone
 * server: it is stopped before the host is configured.
 */
export async function installPackages(env: StepEnv<'ssh.install-packages'>): Promise<StepResult> {
  // The SST methods the plan's joins use (a plan persisted before they were listed: the spec's).
  const { hosts, sstMethods } = paramsOf(env);
  const methods = sstMethods ?? [env.target.spec.galera.sstMethod];
  const needed = (facts: HostFacts) => [...new Set(methods.flatMap((m) => missingPackages(facts, m)))];
  const installed: Record<string, string[]> = {};
  await Promise.all(
    (await env.hosts.all(hosts)).map(async (host) => {
      // The preflight read the packages over this same connection moments ago.
      const facts = await host.facts();
      const missing = needed(facts);
      if (missing.length === 0) {
        env.log(`${host.node}: ${[...new Set(methods.flatMap((m) => platformOf(facts).packagesFor(m)))].join(', ')} present; nothing to install`, 'info');
        return;
      }
      const install = platformOf(facts).installCommand(missing);
      if (!install) throw memberError('PACKAGES_MISSING', host.node, `${missing.join(', ')} missing, and ${facts.os.prettyName || 'this distribution'} has no known installer`);
      env.log(`${host.node}: installing ${missing.join(', ')}`, 'info');
      await host.run(install, { log: 'output', timeoutMs: 25 * 60_000, failedCode: 'PACKAGES_MISSING' });
      const after = await host.facts(true);
      const still = needed(after);
      if (still.length > 0) throw memberError('PACKAGES_MISSING', host.node, `still missing after the installation: ${still.join(', ')}`);
      installed[host.node] = missing;
      if (after.serviceManager === 'systemd' && after.mariadbdPids.length > 0 && !runsOurGalera(after, { clusterName: env.target.name, clusterId: env.target.clusterId })) {
        env.log(`${host.node}: the package started a standalone server; stopping it before it is configured`, 'info');
        await stopNode(host, env);
      }
    }),
  );
  return { output: { installed } };
}

/** The configuration file of one member. */
function renderMember(env: StepEnv, ref: HostRef, members: readonly string[], facts: HostFacts): string {
  const spec = env.target.spec;
  return renderGaleraConfig({
    clusterName: env.target.name,
    ownerId: env.target.clusterId,
    node: { name: ref.node, address: ref.address },
    members,
    sstMethod: spec.galera.sstMethod,
    gcacheSize: spec.galera.gcacheSize,
    bufferPoolSize: spec.galera.bufferPoolSize,
    providerPath: platformOf(facts).providerPath,
    parameters: spec.galera.parameters,
  }).text;
}

/** Writes a member's configuration (and, unless `filesOnly`, the startup timeout, the log directory and the enabled service). */
async function configureHost(env: StepEnv, host: RemoteHost, ref: HostRef, members: readonly string[], options: { filesOnly: boolean; enable: boolean }): Promise<boolean> {
  await ownStatus(env, host, 'write its Galera configuration');
  const facts = await host.facts();
  const platform = platformOf(facts);
  const manager = await host.serviceManager();
  const startup = manager.startupTimeoutFile();
  const [config, startupText] = await readFiles(host, [platform.configPath, startup.path]);
  const rendered = renderMember(env, ref, members, facts);
  const writeConfig = writeFileIfChanged(host, platform.configPath, rendered, config, { mode: '0644' }).then((wrote) => {
    if (wrote) env.log(`${host.node}: wrote ${platform.configPath} (members ${members.join(', ')})`, 'info');
    return wrote;
  });
  if (options.filesOnly) return writeConfig;
  // Independent changes go at once, each on its own channel of the host's connection.
  const [wrote] = await Promise.all([
    writeConfig,
    // Debian's init script waits 30 s for a starting server; an SST takes longer.
    writeFileIfChanged(host, startup.path, manager.withStartupTimeout(startupText), startupText, { mode: '0644' }).then(async (changed) => {
      if (changed && startup.reloadAfterWrite) await host.run(startup.reloadAfterWrite);
    }),
    // mysqld_safe writes the error log there; Debian does not create it (mysql:adm, 2750).
    host.run(command('install', '-d', '-o', 'mysql', '-g', platform.family === 'debian' ? 'adm' : 'mysql', '-m', '2750', '--', '/var/log/mysql')),
    options.enable ? ensureEnabled(host, true) : Promise.resolve(),
  ]);
  return wrote;
}

/** Enables (or disables) the service so a reboot starts (or does not start) the server. */
async function ensureEnabled(host: RemoteHost, enabled: boolean): Promise<void> {
  const manager = await host.serviceManager();
  const probe = await host.run(manager.enabledProbe(), { log: 'quiet', allowedExitCodes: [0, 1, 2, 3, 4] });
  if (manager.parseEnabled(probe.stdout, probe.exitCode) === enabled) return;
  await host.run(enabled ? manager.enable() : manager.disable());
}

/**
 * `ssh.configure`: renders each member's Galera configuration from the spec
 * (renderGaleraConfig) and writes it atomically where it differs, gives the init system a long
 * startup timeout (an SST outlasts Debian's 30 s), and enables the service so a reboot starts it.
 */
export async function configure(env: StepEnv<'ssh.configure'>): Promise<StepResult> {
  const { hosts: refs, members, enable: enabled } = paramsOf(env);
  const enable = enabled !== false;
  const hosts = await env.hosts.all(refs);
  await Promise.all(hosts.map((host, i) => configureHost(env, host, refs[i], members, { filesOnly: false, enable })));
  return { output: { configured: refs.map((r) => r.node) } };
}

/** `ssh.update-members`: writes the member list into existing members' files; no restart (it matters at their next start). */
export async function updateMembers(env: StepEnv<'ssh.update-members'>): Promise<StepResult> {
  const { hosts: refs, members } = paramsOf(env);
  const hosts = await env.hosts.all(refs);
  const wrote = await Promise.all(hosts.map((host, i) => configureHost(env, host, refs[i], members, { filesOnly: true, enable: false })));
  return { output: { updated: refs.filter((_, i) => wrote[i]).map((r) => r.node) } };
}

/** Reads the status of members, tolerating the ones that cannot be reached. */
async function statusesOf(env: StepEnv, refs: readonly HostRef[]): Promise<Map<string, NodeStatus | undefined>> {
  const hosts = await env.hosts.each(refs);
  const statuses = await Promise.all(hosts.map((h) => (h instanceof Error ? undefined : readNodeStatus(h).catch(() => undefined))));
  return new Map(refs.map((r, i) => [r.node, statuses[i]]));
}

/** Galera: a donor is chosen from the live states (chooseDonor); waits while the only Synced node would be taken. */
async function chooseLiveDonor(env: StepEnv, joiner: HostRef, members: readonly HostRef[], sstMethod: SstMethod): Promise<string | undefined> {
  const others = members.filter((m) => m.node !== joiner.node);
  if (others.length === 0) return undefined;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const statuses = await statusesOf(env, others);
    const candidates: DonorCandidate[] = others.flatMap((m) => {
      const s = statuses.get(m.node)?.status;
      if (!s) return [];
      return [{ name: m.node, nodeState: s.nodeState, primary: s.clusterStatus === 'Primary', recentlyRestarted: isRecentlyRestarted(statuses.get(m.node)?.uptimeSeconds) }];
    });
    const choice = chooseDonor(candidates, joiner.node, { sstMethod });
    if (choice.ok) {
      env.log(`${joiner.node}: ${choice.message}`, 'info');
      return choice.wsrepSstDonor;
    }
    if (choice.code === 'NO_SYNCED_DONOR') throw memberError('NODE_START_FAILED', joiner.node, choice.message, { retryable: true });
    if (Date.now() > deadline) throw memberError('NODE_START_FAILED', joiner.node, choice.message, { retryable: true });
    env.log(`${joiner.node}: ${choice.message}`, 'info');
    await pause(1000, env.signal);
  }
}

/**
 * Starts a member that joins the Primary component (with a live donor choice), unless it is
 * already Synced or already starting. With `wait`, waits until it is Synced; without, returns
 * once its server runs (the member is then Joining; a `ssh.wait-synced` step follows).
 */
async function joinMember(env: StepEnv, host: RemoteHost, ref: HostRef, members: readonly HostRef[], wait: boolean, sstMethod?: SstMethod): Promise<WsrepStatus | undefined> {
  // The donor candidates' connections warm up while this node is read.
  const warm = env.hosts.each(members.filter((m) => m.node !== ref.node)).catch(() => undefined);
  const now = await ownStatus(env, host, 'start its server');
  await warm;
  if (isSyncedMember(now.status)) {
    env.log(`${ref.node}: already Synced in a Primary component`, 'info');
    return now.status as WsrepStatus;
  }
  const bounds = { signal: env.signal, timeoutMs: env.settings.syncTimeoutMs, pollMs: env.settings.pollIntervalMs, log: env.log };
  if (now.running) {
    // A start from an interrupted attempt is still under way: wait for it rather than start twice.
    env.log(`${ref.node}: the server is already starting`, 'info');
    return wait ? waitForSynced(host, bounds) : undefined;
  }
  const configured = env.target.spec.galera.sstMethod;
  const donor = await chooseLiveDonor(env, ref, members, sstMethod ?? configured);
  // Only a method other than the option file's goes on the command line (this start only).
  const override = sstMethod !== undefined && sstMethod !== configured ? { sstMethod } : {};
  const launched = await launchStart(host, { signal: env.signal, log: env.log, mode: 'join', ...(donor ? { sstDonor: donor } : {}), ...override });
  return wait ? waitForSynced(host, { ...bounds, startFailed: launched.failed }) : undefined;
}

/** The member change after a join step: Member when Synced, else Joining. */
function joined(ref: HostRef, status: WsrepStatus | undefined): MemberChange {
  return status ? synced(ref, status) : memberUpsert(ref, 'Joining', 'Joining', undefined, false);
}

/**
 * `ssh.join-node` / `ssh.start-node`: starts a member that joins the Primary component (donor
 * chosen from the live states) and reports it Joining; the next step waits until it is Synced.
 */
export async function joinNode(env: StepEnv<'ssh.join-node' | 'ssh.start-node'>): Promise<StepResult> {
  const { host: ref, members, sstMethod, enable } = paramsOf(env);
  const host = await env.hosts.get(ref);
  if (enable) {
    await ownStatus(env, host, 'enable its service');
    await ensureEnabled(host, true);
  }
  const status = await joinMember(env, host, ref, members, false, sstMethod);
  return { output: { node: ref.node, synced: status !== undefined, ...(sstMethod ? { sstMethod } : {}) }, members: [joined(ref, status)] };
}

/**
 * `ssh.wait-synced`: Galera: one node at a time, Synced before the next. Polls the member until
 * it is Synced, Primary and ready (its state transfer done) and reports it a Member.
 */
export async function waitSyncedStep(env: StepEnv<'ssh.wait-synced'>): Promise<StepResult> {
  const { host: ref, restoreSstMethod: restore } = paramsOf(env);
  const host = await env.hosts.get(ref);
  await ownStatus(env, host, 'count it as a member');
  const status = await waitForSynced(host, { signal: env.signal, timeoutMs: env.settings.syncTimeoutMs, pollMs: env.settings.pollIntervalMs, log: env.log });
  if (restore) await restoreSstMethod(env, host, restore);
  return { output: { node: ref.node, lastCommitted: status.lastCommitted ?? null }, members: [synced(ref, status)] };
}

/**
 * Sets the running server's `wsrep_sst_method` back to the configured one (its option file says
 * it already) after a join that asked for another method on its command line: a later state
 * transfer this server asks for without a restart uses the configured method too.
 */
async function restoreSstMethod(env: StepEnv, host: RemoteHost, method: SstMethod): Promise<void> {
  // `method` is rsync or mariabackup (toSshStep checked it), so it can be quoted as it is.
  await host.run(sqlCommand(), { stdin: `SET GLOBAL wsrep_sst_method = '${method}';\n`, log: 'command', what: 'setting wsrep_sst_method back' });
  env.log(`${host.node}: wsrep_sst_method is ${method} again (as its configuration says)`, 'info');
}

/**
 * `ssh.bootstrap-node`: starts a new Primary component on this member. Galera: never a second
 * Primary component — when another member already is Primary (a retried create or start), this
 * member joins it instead. For start and recovery the chosen node gets `safe_to_bootstrap: 1`
 * first (the plan chose it by the rules).
 */
export async function bootstrapNode(env: StepEnv<'ssh.bootstrap-node'>): Promise<StepResult> {
  const { host: ref, others, mode, enable } = paramsOf(env);
  const host = await env.hosts.get(ref);
  const now = await ownStatus(env, host, 'bootstrap it');
  if (enable) await ensureEnabled(host, true);
  if (isSyncedMember(now.status)) {
    env.log(`${ref.node}: already Synced in a Primary component; nothing to bootstrap`, 'info');
    return { members: [synced(ref, now.status as WsrepStatus)] };
  }
  const statuses = await statusesOf(env, others);
  const primary = others.find((o) => statuses.get(o.node)?.status?.clusterStatus === 'Primary');
  if (primary) {
    env.log(`${ref.node}: ${primary.node} is already Primary; joining it instead of bootstrapping a second component`, 'warn');
    const status = (await joinMember(env, host, ref, others, true)) as WsrepStatus;
    return { members: [synced(ref, status)] };
  }
  const wait = { signal: env.signal, timeoutMs: env.settings.syncTimeoutMs, pollMs: env.settings.pollIntervalMs, log: env.log };
  if (now.running) {
    if (mode === 'create') {
      env.log(`${ref.node}: a server from an interrupted attempt is running; waiting for it`, 'info');
      const status = await waitForSynced(host, { ...wait, timeoutMs: Math.min(wait.timeoutMs, 60_000) }).catch(() => undefined);
      if (status) return { members: [synced(ref, status)] };
    }
    env.log(`${ref.node}: a server runs outside any Primary component; stopping it before the bootstrap`, 'warn');
    await stopNode(host, env);
  }
  if (mode !== 'create') await markSafeToBootstrap(env, host);
  const status = await startNode(host, { ...wait, mode: 'bootstrap' });
  return { output: { bootstrapped: ref.node, lastCommitted: status.lastCommitted ?? null }, members: [synced(ref, status)] };
}

/** Sets `safe_to_bootstrap: 1` in the node's grastate.dat (atomically, mysql-owned); nothing when it already says so. */
async function markSafeToBootstrap(env: StepEnv, host: RemoteHost): Promise<void> {
  const files = await readStateFiles(host);
  if (files.running) throw memberError('BOOTSTRAP_REFUSED', host.node, 'a server runs: grastate.dat is not changed under a running server');
  if (!files.grastate) {
    // A node without grastate.dat has no recorded history; Galera bootstraps it without the flag.
    env.log(`${host.node}: ${files.grastateError}; bootstrapping without it`, 'warn');
    return;
  }
  if (files.grastate.safeToBootstrap) return;
  const { grastate } = stateFilePaths((await host.facts()).datadir);
  await writeFileIfChanged(host, grastate, renderGrastate({ ...files.grastate, safeToBootstrap: true }), undefined, { mode: '0660', owner: 'mysql:mysql' });
  env.log(`${host.node}: set safe_to_bootstrap: 1 in ${grastate} (${files.grastate.uuid}:${files.grastate.seqno})`, 'info');
}

/** `ssh.set-safe-to-bootstrap`: Galera: only on the node chosen to bootstrap. */
export async function setSafeToBootstrap(env: StepEnv<'ssh.set-safe-to-bootstrap'>): Promise<StepResult> {
  const ref = paramsOf(env).host;
  const host = await env.hosts.get(ref);
  await ownStatus(env, host, 'change its grastate.dat');
  const files = await readStateFiles(host);
  if (!files.grastate && !files.running) throw memberError('GRASTATE_UNREADABLE', ref.node, `${files.grastateError}: cannot mark it safe to bootstrap`);
  await markSafeToBootstrap(env, host);
  return { output: { node: ref.node } };
}

/** Galera quorum: may this member leave now without the rest losing quorum? (canRemoveMembers on live states) */
async function assertMayLeave(env: StepEnv, ref: HostRef, members: readonly HostRef[]): Promise<void> {
  const statuses = await statusesOf(env, members);
  const voters = members.map((m) => ({ name: m.node, healthy: isSyncedMember(statuses.get(m.node)?.status) }));
  const check = canRemoveMembers(voters, [ref.node]);
  if (!check.allowed) {
    throw memberError('QUORUM_WOULD_BE_LOST', ref.node, `${check.message}; wait until the other members are Synced again`, {
      details: { quorumAfter: check.quorumAfter, healthyAfter: check.healthyAfter },
    });
  }
}

/**
 * Stops a running member cleanly once the live states show the others keep quorum without it;
 * answers whether it was running.
 */
async function leaveCleanly(env: StepEnv, host: RemoteHost, ref: HostRef, members: readonly HostRef[]): Promise<boolean> {
  if (!(await ownStatus(env, host, 'stop its server')).running) return false;
  await assertMayLeave(env, ref, members);
  await stopNode(host, env);
  return true;
}

/**
 * `ssh.restart-node`: one member of a rolling restart: clean stop (if the others keep quorum),
 * start; the member is Joining until the `ssh.wait-synced` step that follows sees it Synced.
 */
export async function restartNode(env: StepEnv<'ssh.restart-node'>): Promise<StepResult> {
  const { host: ref, members } = paramsOf(env);
  const host = await env.hosts.get(ref);
  if (!(await leaveCleanly(env, host, ref, members))) env.log(`${ref.node}: not running (an interrupted restart?); starting it`, 'info');
  const status = await joinMember(env, host, ref, members, false);
  return { output: { restarted: ref.node }, members: [joined(ref, status)] };
}

/** `ssh.stop-node`: clean stop; optionally disables the service so a reboot leaves it stopped. */
export async function stopNodeStep(env: StepEnv<'ssh.stop-node'>): Promise<StepResult> {
  const { host: ref, disable } = paramsOf(env);
  const host = await env.hosts.get(ref);
  const now = await ownStatus(env, host, 'stop its server');
  if (now.running) await stopNode(host, env);
  else env.log(`${ref.node}: not running`, 'info');
  if (disable) await ensureEnabled(host, false);
  return { output: { stopped: ref.node }, members: [memberUpsert(ref, 'Stopped', 'Stopped', undefined, false)] };
}

/**
 * `ssh.remove-node`: scale-in of one member: quorum check on live states, clean stop, service
 * disabled, our configuration removed (so a manual start cannot rejoin it); the data is kept.
 */
export async function removeNode(env: StepEnv<'ssh.remove-node'>): Promise<StepResult> {
  const { host: ref, members } = paramsOf(env);
  const host = await env.hosts.get(ref);
  await leaveCleanly(env, host, ref, members);
  await ensureEnabled(host, false);
  await host.run(command('rm', '-f', '--', platformOf(await host.facts()).configPath));
  env.log(`${ref.node}: removed from the cluster (data kept in ${(await host.facts()).datadir})`, 'info');
  return { output: { removed: ref.node }, members: [{ op: 'remove', name: ref.node }] };
}

/** `ssh.apply-parameters`: `SET GLOBAL` statements (from planParameterChanges) on every member. */
export async function applyParameters(env: StepEnv<'ssh.apply-parameters'>): Promise<StepResult> {
  const { statements, hosts: refs } = paramsOf(env);
  const hosts = await env.hosts.all(refs);
  const sql = `${statements.join(';\n')};\n`;
  await Promise.all(hosts.map((host) => ownStatus(env, host, 'change its server parameters')));
  await Promise.all(hosts.map((host) => host.run(sqlCommand(), { stdin: sql, log: 'command', what: 'applying the parameters' })));
  env.log(`applied on ${hosts.map((h) => h.node).join(', ')}: ${statements.join('; ')}`, 'info');
  return { output: { statements } };
}

/** `ssh.decommission-node`: cluster deletion of one member: stop, disable, remove our configuration; empty the datadir with `purge`. */
export async function decommissionNode(env: StepEnv<'ssh.decommission-node'>): Promise<StepResult> {
  const { host: ref, purge } = paramsOf(env);
  const host = await env.hosts.get(ref);
  const facts = await host.facts();
  const now = await ownStatus(env, host, purge ? 'stop it, remove its configuration and empty its data directory' : 'stop it and remove its configuration');
  if (now.running) await stopNode(host, env);
  await ensureEnabled(host, false);
  await host.run(command('rm', '-f', '--', platformOf(facts).configPath));
  if (purge) {
    await host.run(emptyDirectoryCommand(facts.datadir), { log: 'command' });
    env.log(`${ref.node}: emptied ${facts.datadir}`, 'warn');
  }
  return { output: { node: ref.node, purged: Boolean(purge) }, members: [{ op: 'remove', name: ref.node }] };
}

/** `ssh.verify`: every member Synced in one Primary component of the expected size (waits a little for late state changes). */
export async function verify(env: StepEnv<'ssh.verify'>): Promise<StepResult> {
  const refs = paramsOf(env).hosts;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const statuses = await statusesOf(env, refs);
    const problems: string[] = [];
    for (const ref of refs) {
      const s = statuses.get(ref.node);
      if (s) assertOwnHost(env.target, ref, s, 'count it as a member');
      if (!s) problems.push(`${ref.node}: unreachable`);
      else if (!isSyncedMember(s.status)) problems.push(`${ref.node}: ${s.status ? `${s.status.localStateComment} (${s.status.clusterStatus})` : s.running ? 'not answering' : 'not running'}`);
      else if (s.status?.clusterSize !== refs.length) problems.push(`${ref.node}: wsrep_cluster_size ${s.status?.clusterSize}, expected ${refs.length}`);
    }
    if (problems.length === 0) {
      env.log(`verified: ${refs.length} members Synced, wsrep_cluster_size ${refs.length}`, 'info');
      return { output: { size: refs.length }, members: refs.map((r) => synced(r, statuses.get(r.node)?.status as WsrepStatus)) };
    }
    if (Date.now() > deadline) {
      const sizeOnly = problems.every((p) => p.includes('wsrep_cluster_size'));
      throw new BackendError(sizeOnly ? 'CLUSTER_SIZE_MISMATCH' : 'NODE_NOT_SYNCED', `verification failed: ${problems.join('; ')}`, { details: { problems } });
    }
    await pause(500, env.signal);
  }
}

/** `ssh.nothing-to-do`. */
export async function nothingToDo(): Promise<StepResult> {
  return {};
}

/** The executor of each action: the table's type ties every action to the executor of its parameters. */
const EXECUTORS: { [A in SshAction]: (env: StepEnv<A>) => Promise<StepResult> } = {
  'ssh.preflight': preflight,
  'ssh.check-hosts': checkHosts,
  'ssh.install-packages': installPackages,
  'ssh.configure': configure,
  'ssh.bootstrap-node': bootstrapNode,
  'ssh.join-node': joinNode,
  'ssh.start-node': joinNode,
  'ssh.restart-node': restartNode,
  'ssh.wait-synced': waitSyncedStep,
  'ssh.stop-node': stopNodeStep,
  'ssh.remove-node': removeNode,
  'ssh.update-members': updateMembers,
  'ssh.set-safe-to-bootstrap': setSafeToBootstrap,
  'ssh.apply-parameters': applyParameters,
  'ssh.decommission-node': decommissionNode,
  'ssh.verify': verify,
  'ssh.nothing-to-do': nothingToDo,
};

/** Runs one step (narrowed by toSshStep) with its executor. */
export function runStep(step: SshStep, env: Omit<StepEnv, 'step'>): Promise<StepResult> {
  // TypeScript cannot correlate the union of `step` with the table's key; EXECUTORS' type does.
  const execute = EXECUTORS[step.action] as (env: StepEnv) => Promise<StepResult>;
  return execute({ ...env, step });
}
