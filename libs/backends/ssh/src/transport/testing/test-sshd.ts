// A throwaway OpenSSH server for the transport specs: a real `sshd -D -e` on 127.0.0.1 and a
// free port, with a fresh ed25519 host key and fresh client keys. It runs as PID 1 of its own
// mount and PID namespaces (`unshare`, root only), which gives it:
// - private copies of /etc/passwd, /etc/shadow, /etc/group and /etc/sudoers that add test users
//   with a password, so password logins and password sudo are tested without touching a real
//   account;
// - a private tmpfs /run (sshd needs /run/sshd; sudo keeps its timestamps there) and an empty
//   private /root;
// - one kill that ends everything it started: killing `unshare` kills PID 1 of the namespace,
//   and with it every session and every command the tests left running.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A login the test server accepts besides root. */
export interface TestUser {
  /** Login name (exists only inside the server's namespace). */
  readonly name: string;
  /** Numeric uid and gid. */
  readonly uid: number;
  /** Its password (for password logins and `sudo -S`). */
  readonly password: string;
  /** Its sudoers rule. */
  readonly sudo: 'password' | 'nopasswd' | 'none';
}

/** A client key pair in OpenSSH format. */
export interface TestClientKey {
  readonly privateKey: string;
  readonly publicKey: string;
  /** Set when the private key is encrypted. */
  readonly passphrase?: string;
}

/** A running test server. */
export interface TestSshd {
  readonly host: string;
  readonly port: number;
  /** `SHA256:...` of the server's host key, as `ssh-keygen -lf` prints it. */
  readonly hostKeyFingerprint: string;
  /** Authorized for every user. */
  readonly clientKey: TestClientKey;
  /** Authorized for every user; encrypted with a passphrase. */
  readonly encryptedClientKey: TestClientKey;
  /** A valid key that is authorized for nobody. */
  readonly unauthorizedKey: TestClientKey;
  /** `sudo` with a password. */
  readonly passwordSudoUser: TestUser;
  /** `sudo` with NOPASSWD. */
  readonly nopasswdSudoUser: TestUser;
  /** No sudo rights. */
  readonly plainUser: TestUser;
  /** Everything sshd wrote so far (`-e` logs to stderr). */
  logs(): string;
  /** Kills the server, its sessions and commands, and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

/** Options of {@link startTestSshd}. */
export interface TestSshdOptions {
  /** sshd `MaxSessions` (channels per connection). Default 10, as OpenSSH. */
  readonly maxSessions?: number;
}

const live = new Set<ChildProcess>();
// A test process that dies without running its `after` hooks must not leave servers behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function generateKey(dir: string, name: string, passphrase = ''): Promise<TestClientKey> {
  const path = join(dir, name);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', name, '-f', path]);
  return {
    privateKey: await readFile(path, 'utf8'),
    publicKey: (await readFile(`${path}.pub`, 'utf8')).trim(),
    ...(passphrase ? { passphrase } : {}),
  };
}

// The password goes through stdin, not argv (argv is visible in ps).
function hashPasswordFromStdin(password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['passwd', '-6', '-stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`openssl passwd failed: ${err}`))));
    child.stdin.end(`${password}\n`);
  });
}

// Runs as PID 1 of the new namespaces; $1 = the server's directory, $2 = port. When PID 1
// exits, the kernel kills everything else in the PID namespace. It exits when sshd exits, or
// when its stdin (a pipe from the test process) closes: so even a test process that is killed
// outright leaves no server behind.
const NAMESPACE_INIT = [
  'set -eu',
  'mount -t tmpfs -o mode=0755 tmpfs /run',
  'mkdir -p /run/sshd',
  'for f in passwd shadow group sudoers; do mount --bind "$1/etc/$f" "/etc/$f"; done',
  // root logs in with bash, which reads ~/.bashrc even for ssh commands: an empty private home
  // keeps the machine's own dotfiles (and what they start) out of the tests.
  'mount --bind "$1/root-home" /root',
  'exec 3<&0',
  '/usr/sbin/sshd -D -e -f "$1/sshd_config" -p "$2" </dev/null &',
  'sshd_pid=$!',
  '( read -r _ <&3 || true; kill -KILL "$sshd_pid" ) &',
  'wait "$sshd_pid" || true',
].join('\n');

async function writeAccounts(dir: string, users: readonly TestUser[]): Promise<void> {
  const etc = join(dir, 'etc');
  await mkdir(etc, { mode: 0o755 });
  const passwd = await readFile('/etc/passwd', 'utf8');
  const shadow = await readFile('/etc/shadow', 'utf8');
  const group = await readFile('/etc/group', 'utf8');
  const sudoers = await readFile('/etc/sudoers', 'utf8');
  const passwdLines: string[] = [];
  const shadowLines: string[] = [];
  const groupLines: string[] = [];
  const sudoLines: string[] = [];
  for (const user of users) {
    const home = join(dir, 'home', user.name);
    await mkdir(home, { recursive: true, mode: 0o755 });
    await chown(home, user.uid, user.uid);
    passwdLines.push(`${user.name}:x:${user.uid}:${user.uid}:galera-cp test user:${home}:/bin/sh`);
    shadowLines.push(`${user.name}:${await hashPasswordFromStdin(user.password)}:19000:0:99999:7:::`);
    groupLines.push(`${user.name}:x:${user.uid}:`);
    if (user.sudo === 'password') sudoLines.push(`${user.name} ALL=(ALL:ALL) ALL`);
    if (user.sudo === 'nopasswd') sudoLines.push(`${user.name} ALL=(ALL:ALL) NOPASSWD: ALL`);
  }
  const append = (base: string, lines: string[]) => `${base.replace(/\n?$/, '\n')}${lines.join('\n')}\n`;
  await writeFile(join(etc, 'passwd'), append(passwd, passwdLines), { mode: 0o644 });
  await writeFile(join(etc, 'shadow'), append(shadow, shadowLines), { mode: 0o640 });
  await writeFile(join(etc, 'group'), append(group, groupLines), { mode: 0o644 });
  // sudo refuses a sudoers file that is not root-owned and 0440.
  await writeFile(join(etc, 'sudoers'), append(sudoers, ['Defaults !lecture', ...sudoLines]), { mode: 0o440 });
  await chmod(join(etc, 'sudoers'), 0o440);
}

/**
 * Starts a throwaway sshd. Needs root, `sshd`, `ssh-keygen`, `unshare`, `openssl`.
 * Call `stop()` in an `after`/`finally` hook.
 */
export async function startTestSshd(options: TestSshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'galera-cp-sshd-'));
  // Test users must reach authorized_keys (read as the user) and their homes.
  await chmod(dir, 0o755);
  let child: ChildProcess | undefined;
  let stopped = false;
  let output = '';
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    if (child) live.delete(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-host', '-f', hostKeyPath]);
    const { stdout: fingerprintLine } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKeyPath}.pub`]);
    const hostKeyFingerprint = fingerprintLine.split(' ')[1];
    const clientKey = await generateKey(dir, 'client');
    const encryptedClientKey = await generateKey(dir, 'client-encrypted', randomBytes(12).toString('hex'));
    const unauthorizedKey = await generateKey(dir, 'client-unauthorized');
    await writeFile(join(dir, 'authorized_keys'), `${clientKey.publicKey}\n${encryptedClientKey.publicKey}\n`, { mode: 0o644 });

    // uids far from the ones Debian hands out; they exist only inside the namespace.
    const base = 61_000 + (process.pid % 300) * 3;
    const user = (name: string, offset: number, sudo: TestUser['sudo']): TestUser => ({
      name,
      uid: base + offset,
      password: `pw-${randomBytes(9).toString('base64url')}`,
      sudo,
    });
    const passwordSudoUser = user('gcp-sudo-pw', 0, 'password');
    const nopasswdSudoUser = user('gcp-sudo-nopw', 1, 'nopasswd');
    const plainUser = user('gcp-plain', 2, 'none');
    await writeAccounts(dir, [passwordSudoUser, nopasswdSudoUser, plainUser]);
    await mkdir(join(dir, 'root-home'), { mode: 0o700 });

    await writeFile(
      join(dir, 'sshd_config'),
      [
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKeyPath}`,
        'PidFile none',
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin yes',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // The test files live in a temporary directory, not in the users' homes.
        'StrictModes no',
        `MaxSessions ${options.maxSessions ?? 10}`,
        'LogLevel VERBOSE',
        'PrintMotd no',
        'Subsystem sftp internal-sftp',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );

    // The free port may be taken by another test process before sshd binds it: retry.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      output = '';
      const started = spawn('unshare', ['--mount', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', '/bin/sh', '-c', NAMESPACE_INIT, 'test-sshd', dir, String(port)], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      started.stdin!.on('error', () => undefined);
      child = started;
      live.add(started);
      const ready = await new Promise<boolean>((resolve) => {
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes(`Server listening on 127.0.0.1 port ${port}.`)) resolve(true);
        };
        started.stdout!.on('data', onData);
        started.stderr!.on('data', onData);
        started.once('exit', () => resolve(false));
        setTimeout(() => resolve(false), 10_000).unref();
      });
      if (ready) {
        return {
          host: '127.0.0.1',
          port,
          hostKeyFingerprint,
          clientKey,
          encryptedClientKey,
          unauthorizedKey,
          passwordSudoUser,
          nopasswdSudoUser,
          plainUser,
          logs: () => output,
          stop,
        };
      }
      started.kill('SIGKILL');
      live.delete(started);
      if (attempt >= 5 || !/Address already in use|Bind to port/.test(output)) {
        throw new Error(`test sshd did not start:\n${output}`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}
