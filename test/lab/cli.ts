// Command line for the host lab: node -r @swc-node/register test/lab/cli.ts <verb> [options]
import { DEFAULT_LAB_NAME, HostLab, LabError, type LabHost, type LabStatus } from './host-lab';

const USAGE = `usage: node -r @swc-node/register test/lab/cli.ts <verb> [arguments] [--name <lab>] [--json]

verbs:
  up --hosts N        create/boot hosts 1..N (converges; never removes hosts)
  add                 create and boot one more host
  poweroff <i>        hard power-off of host i (SIGKILL of its PID 1); files are kept
  boot <i>            boot host i again
  remove <i>          power off and delete host i
  down [--purge]      tear the lab down (--purge also forgets keys, password and subnet)
  status              addresses, fingerprints, pids, running or not
  list                every lab on this machine (e.g. leftovers of an interrupted test)
  rotate-key <i>      give host i a new random host key
  restore-key <i>     give host i its stable host key back
  skew <i> <seconds>  skew the clock of new SSH sessions on host i (0 clears)

options:
  --name <lab>        lab instance (default "${DEFAULT_LAB_NAME}")
  --json              print JSON instead of text
`;

interface Arguments {
  verb: string;
  positional: string[];
  name: string;
  hosts?: number;
  json: boolean;
  purge: boolean;
}

function parseArguments(argv: readonly string[]): Arguments {
  const result: Arguments = { verb: '', positional: [], name: DEFAULT_LAB_NAME, json: false, purge: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') result.json = true;
    else if (arg === '--purge') result.purge = true;
    else if (arg === '--name') result.name = requireValue(argv, ++i, '--name');
    else if (arg === '--hosts') result.hosts = Number(requireValue(argv, ++i, '--hosts'));
    else if (arg === '-h' || arg === '--help') result.verb = 'help';
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (!result.verb) result.verb = arg;
    else result.positional.push(arg);
  }
  return result;
}

class UsageError extends Error {}

function requireValue(argv: readonly string[], index: number, option: string): string {
  const value = argv[index];
  if (value === undefined) throw new UsageError(`${option} needs a value`);
  return value;
}

function hostIndex(args: Arguments): number {
  const value = Number(args.positional[0]);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${args.verb} needs a host index (1, 2, ...)`);
  return value;
}

// JSON output drops the raw key blob (the public key line carries the same bytes).
function hostJson(host: LabHost): Omit<LabHost, 'publicKeyBlob'> {
  const { publicKeyBlob: _blob, ...rest } = host;
  return rest;
}

function statusJson(status: LabStatus): object {
  return { ...status, hosts: status.hosts.map(hostJson) };
}

function printStatus(status: LabStatus): void {
  const c = status.credentials;
  console.log(`lab ${status.name}: subnet ${status.subnet}, bridge ${status.bridge} (${status.bridgeUp ? 'up' : 'absent'}), control plane ${status.controlPlaneAddress}`);
  console.log(`  ssh: port 22, key ${c.privateKeyPath}; users ${c.rootUser} (key) and ${c.sudoUser} (key or password "${c.sudoPassword}", passwordless sudo)`);
  if (status.hosts.length === 0) {
    console.log('  no hosts');
    return;
  }
  for (const host of status.hosts) {
    const notes = [
      host.running ? `running, pid ${host.pid}` : 'powered off',
      host.hostKeyRotated ? 'host key rotated' : '',
      host.clockSkewSeconds ? `clock skew ${host.clockSkewSeconds}s` : '',
    ].filter(Boolean);
    console.log(`  ${String(host.index).padStart(2)}  ${host.hostname.padEnd(12)} ${host.address.padEnd(14)} ${host.fingerprint}  ${notes.join(', ')}`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const args = parseArguments(argv);
  if (!args.verb || args.verb === 'help') {
    console.log(USAGE);
    return args.verb ? 0 : 2;
  }
  const started = Date.now();
  if (args.verb === 'list') {
    const labs = [];
    for (const name of await HostLab.list()) {
      const status = await (await HostLab.open({ name })).status();
      labs.push({ name, subnet: status.subnet, hosts: status.hosts.length, running: status.hosts.filter((h) => h.running).length });
    }
    if (args.json) console.log(JSON.stringify(labs, null, 2));
    else if (labs.length === 0) console.log('no labs');
    else for (const lab of labs) console.log(`${lab.name.padEnd(18)} ${lab.subnet.padEnd(16)} ${lab.running}/${lab.hosts} hosts running`);
    return 0;
  }
  const lab = await HostLab.open({ name: args.name });
  const finish = async (what: string) => {
    const status = await lab.status();
    if (args.json) console.log(JSON.stringify({ ...statusJson(status), elapsedMs: Date.now() - started }, null, 2));
    else {
      if (what) console.log(`${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      printStatus(status);
    }
  };
  switch (args.verb) {
    case 'up': {
      const count = args.hosts ?? 3;
      await lab.up(count);
      await finish(`lab ${lab.name}: hosts 1..${count} up`);
      return 0;
    }
    case 'add': {
      const host = await lab.addHost();
      await finish(`lab ${lab.name}: added host ${host.index} (${host.address})`);
      return 0;
    }
    case 'poweroff': {
      const index = hostIndex(args);
      await lab.powerOff(index);
      await finish(`lab ${lab.name}: host ${index} powered off`);
      return 0;
    }
    case 'boot': {
      const index = hostIndex(args);
      await lab.boot(index);
      await finish(`lab ${lab.name}: host ${index} booted`);
      return 0;
    }
    case 'remove': {
      const index = hostIndex(args);
      await lab.removeHost(index);
      await finish(`lab ${lab.name}: host ${index} removed`);
      return 0;
    }
    case 'rotate-key': {
      const index = hostIndex(args);
      await lab.rotateHostKey(index);
      await finish(`lab ${lab.name}: host ${index} has a new host key`);
      return 0;
    }
    case 'restore-key': {
      const index = hostIndex(args);
      await lab.restoreHostKey(index);
      await finish(`lab ${lab.name}: host ${index} has its stable host key again`);
      return 0;
    }
    case 'skew': {
      const index = hostIndex(args);
      const seconds = Number(args.positional[1]);
      if (!Number.isInteger(seconds)) throw new UsageError('skew needs whole seconds, e.g. `skew 2 10` or `skew 2 0`');
      await lab.setClockSkew(index, seconds);
      await finish(`lab ${lab.name}: host ${index} clock skew ${seconds}s for new SSH sessions`);
      return 0;
    }
    case 'down': {
      await lab.down({ purge: args.purge });
      const message = `lab ${lab.name}: down${args.purge ? ' (purged)' : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
      if (args.json) console.log(JSON.stringify({ name: lab.name, down: true, purged: args.purge, elapsedMs: Date.now() - started }));
      else console.log(message);
      return 0;
    }
    case 'status':
      await finish('');
      return 0;
    default:
      throw new UsageError(`unknown verb "${args.verb}"`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof LabError) console.error(`${error.code}: ${error.message}`);
    else console.error(error);
    process.exit(1);
  },
);
