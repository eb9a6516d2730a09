import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  ProgramCommand,
  REMOTE_PROGRAMS,
  RemoteCommand,
  and,
  command,
  commandExists,
  discardOutput,
  mergeStderrIntoStdout,
  not,
  or,
  pipeline,
  redirectInput,
  redirectOutput,
  sequence,
  tcpProbeCommand,
  withEnv,
  withTimeout,
  type RemoteProgram,
} from './command';
import { EXEC_MARKERS, execEnvelope, killProcessGroupCommand } from './exec-envelope';
import { InvalidShellArgumentError } from './shell.errors';
import { runLocalShell } from './testing/run-local-shell';
import { writeFileCommand } from './write-file';

// Every spec shell runs in this spec's temporary folder (see runLocalShell).
let dir: string;

async function sh(value: RemoteCommand, stdin?: string | Buffer) {
  const result = await runLocalShell(value.text, { stdin, cwd: dir });
  return { code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
}

const INJECTIONS = ['$(touch {m})', '`touch {m}`', '; touch {m}', "'; touch {m}; '", '&& touch {m}', '|| touch {m}', '| touch {m}', '\ntouch {m}', '> {m}'];

describe('remote command builders', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'galera-cp-command-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('command', () => {
    test('renders an allow-listed program with quoted arguments', () => {
      assert.equal(command('service', 'mariadb', 'start').text, 'service mariadb start');
      assert.equal(command('cat', '--', "/etc/it's here").text, `cat -- '/etc/it'\\''s here'`);
      assert.equal(command('printf', '%s', '').text, "printf %s ''");
      assert.ok(command('true') instanceof ProgramCommand);
      assert.equal(command('uname').program, 'uname');
      assert.equal(String(command('id', '-u')), 'id -u');
    });

    test('rejects a program outside the vocabulary, including the ones that run other programs', () => {
      for (const program of ['sh', 'bash', 'sudo', 'env', 'timeout', 'xargs', 'rm -rf /', 'service; id', '']) {
        assert.throws(() => command(program as RemoteProgram), InvalidShellArgumentError, program);
      }
      assert.ok(!(REMOTE_PROGRAMS as readonly string[]).includes('sudo'));
    });

    test('rejects an argument with NUL', () => {
      assert.throws(() => command('cat', 'a\0b'), InvalidShellArgumentError);
    });

    test('arguments carrying injections reach the program unchanged and run nothing', async () => {
      const marker = join(dir, 'injected');
      for (const template of INJECTIONS) {
        const value = template.replaceAll('{m}', marker);
        const result = await sh(command('printf', '%s', value));
        assert.equal(result.code, 0);
        assert.equal(result.stdout, value);
      }
      await assert.rejects(stat(marker), { code: 'ENOENT' });
    });

    test('a RemoteCommand cannot be made from a raw string', () => {
      const Forge = RemoteCommand as unknown as new (mint: symbol, text: string, binding: number) => RemoteCommand;
      assert.throws(() => new Forge(Symbol('RemoteCommand.mint'), 'rm -rf /', 0), TypeError);
      assert.equal(RemoteCommand.isRemoteCommand({ text: 'id' }), false);
      assert.equal(RemoteCommand.isRemoteCommand('id'), false);
      assert.equal(RemoteCommand.isRemoteCommand(command('id')), true);
    });
  });

  describe('composition', () => {
    const say = (text: string) => command('printf', '%s', text);
    const yes = command('true');
    const no = command('false');

    test('pipeline feeds stdout to stdin', async () => {
      const rendered = pipeline(say('a\nb\nc\n'), command('grep', '-v', 'b'), command('wc', '-l'));
      assert.equal(rendered.text, "printf %s 'a\nb\nc\n' | grep -v b | wc -l");
      assert.equal((await sh(rendered)).stdout.trim(), '2');
    });

    test('and/or keep the grouping they were built with', async () => {
      assert.equal((await sh(and(yes, or(no, say('x'))))).stdout, 'x');
      // Without grouping, `false && false || printf y` would print y.
      assert.equal((await sh(and(no, or(no, say('y'))))).stdout, '');
      assert.equal(and(no, or(no, say('y'))).text, 'false && { false || printf %s y; }');
      assert.equal((await sh(or(and(no, say('a')), say('b')))).stdout, 'b');
      assert.equal((await sh(and(pipeline(say('q'), command('cat')), say('!')))).stdout, 'q!');
    });

    test('sequence runs everything; not inverts', async () => {
      const result = await sh(sequence(no, say('1'), and(no, say('2')), say('3')));
      assert.equal(result.stdout, '13');
      assert.equal((await sh(not(no))).code, 0);
      assert.equal((await sh(not(yes))).code, 1);
      assert.equal((await sh(and(not(pipeline(say('z'), command('grep', 'q'))), say('ok')))).stdout, 'ok');
    });

    test('composition helpers take only built commands', () => {
      assert.throws(() => and(command('id'), 'rm -rf /' as unknown as RemoteCommand), InvalidShellArgumentError);
      assert.throws(() => pipeline(command('id')), InvalidShellArgumentError);
    });

    test('redirection writes to, reads from, and appends to a quoted path', async () => {
      const target = join(dir, "out file 'quoted' $(x)");
      assert.equal((await sh(redirectOutput(say('one\n'), target))).code, 0);
      assert.equal((await sh(redirectOutput(say('two\n'), target, { append: true }))).code, 0);
      assert.equal(await readFile(target, 'utf8'), 'one\ntwo\n');
      assert.equal((await sh(redirectInput(command('wc', '-l'), target))).stdout.trim(), '2');
      const both = join(dir, 'both');
      await sh(redirectOutput(sequence(say('out\n'), command('ls', '--', join(dir, 'missing'))), both, { stream: 'both' }));
      assert.match(await readFile(both, 'utf8'), /^out\nls: .*No such file/);
      assert.throws(() => redirectOutput(say('x'), 'relative/path'), InvalidShellArgumentError);
    });

    test('a redirected pipeline redirects the whole pipeline', async () => {
      const target = join(dir, 'pipeline-out');
      const rendered = redirectOutput(pipeline(say('p'), command('cat')), target);
      assert.match(rendered.text, /^\{ printf %s p \| cat; \} > /);
      await sh(rendered);
      assert.equal(await readFile(target, 'utf8'), 'p');
    });

    test('stderr can be merged into stdout or discarded', async () => {
      const noisy = command('ls', '--', join(dir, 'missing'));
      const merged = await sh(mergeStderrIntoStdout(noisy));
      assert.match(merged.stdout, /No such file/);
      assert.equal(merged.stderr, '');
      const silent = await sh(discardOutput(noisy));
      assert.equal(silent.stdout + silent.stderr, '');
      assert.notEqual(silent.code, 0);
    });
  });

  describe('withEnv', () => {
    test('sets quoted values for one program', async () => {
      const value = "it's $(touch x) `y`";
      const rendered = withEnv({ GALERA_TEST: value }, command('printf', '%s'));
      assert.equal(rendered.text, `GALERA_TEST='it'\\''s $(touch x) \`y\`' printf %s`);
      const shown = withEnv({ GALERA_TEST: value }, command('grep', '-az', '^GALERA_TEST=', '/proc/self/environ'));
      assert.equal((await sh(shown)).stdout.replace(/\0$/, ''), `GALERA_TEST=${value}`);
    });

    test('rejects malformed names and loader or shell start-up variables', () => {
      for (const name of ['1A', 'A-B', 'A B', '', 'A=B', 'A;id', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'BASH_ENV', 'ENV', 'IFS']) {
        assert.throws(() => withEnv({ [name]: 'x' }, command('id')), InvalidShellArgumentError, name);
      }
    });

    test('applies only to a single program', () => {
      assert.throws(() => withEnv({ A: '1' }, pipeline(command('id'), command('cat')) as unknown as ProgramCommand), InvalidShellArgumentError);
    });
  });

  describe('withTimeout and commandExists', () => {
    test('withTimeout stops the program on the remote side', async () => {
      const rendered = withTimeout(0.2, command('sleep', '5'));
      assert.equal(rendered.text, 'timeout --kill-after=5 0.2 sleep 5');
      assert.equal((await sh(rendered)).code, 124);
      assert.throws(() => withTimeout(0, command('id')), InvalidShellArgumentError);
      assert.throws(() => withTimeout(Number.NaN, command('id')), InvalidShellArgumentError);
    });

    test('commandExists finds programs and builtins and fails for unknown names', async () => {
      assert.equal((await sh(commandExists('cat'))).code, 0);
      assert.notEqual((await sh(commandExists('no-such-program-galera'))).code, 0);
      assert.notEqual((await sh(commandExists('x; touch /tmp/galera-cp-never'))).code, 0);
    });
  });

  describe('tcpProbeCommand', () => {
    let server: Server;
    let port: number;
    before(async () => {
      server = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    test('succeeds for a listening port and fails for a closed one', async () => {
      assert.equal((await sh(tcpProbeCommand('127.0.0.1', port, 2))).code, 0);
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedPort = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      assert.notEqual((await sh(tcpProbeCommand('127.0.0.1', closedPort, 2))).code, 0);
    });

    test('validates host and port before rendering', () => {
      for (const host of ['', 'a b', '$(id)', 'host;id', '-oProxyCommand=x', 'a/b']) {
        assert.throws(() => tcpProbeCommand(host, 4567), InvalidShellArgumentError, host);
      }
      for (const bad of [0, 65536, 1.5, Number.NaN]) assert.throws(() => tcpProbeCommand('10.0.0.1', bad), InvalidShellArgumentError);
      assert.match(tcpProbeCommand('db-1.example.com', 4567).text, /^timeout --kill-after=1 3 bash -c .* tcp-probe db-1\.example\.com 4567$/);
      assert.doesNotThrow(() => tcpProbeCommand('fe80::1', 4567));
    });
  });

  describe('writeFileCommand', () => {
    test('writes stdin atomically with mode and owner, leaving no temporary file', async () => {
      const folder = join(dir, "conf dir 'x'");
      await mkdir(folder);
      const target = join(folder, 'galera.cnf');
      await writeFile(target, 'old');
      const content = Buffer.concat([Buffer.from("[galera]\nwsrep_on=ON\n$(touch nope) 'q' \\n\n"), Buffer.from([0xff, 0x00, 0x01])]);
      const result = await sh(writeFileCommand(target, { mode: '0640', owner: 'root:root' }), content);
      assert.equal(result.code, 0, result.stderr);
      assert.ok((await readFile(target)).equals(content));
      const info = await stat(target);
      assert.equal(info.mode & 0o777, 0o640);
      assert.equal(info.uid, 0);
      assert.deepEqual(await readdir(folder), ['galera.cnf']);
    });

    test('a failed write leaves the target and the folder as they were', async () => {
      const folder = join(dir, 'failing');
      await mkdir(folder);
      const target = join(folder, 'file');
      await writeFile(target, 'old');
      const result = await sh(writeFileCommand(target, { mode: '0644', owner: 'no-such-user-galera' }), 'new');
      assert.notEqual(result.code, 0);
      assert.equal(await readFile(target, 'utf8'), 'old');
      assert.deepEqual(await readdir(folder), ['file']);
      const missing = await sh(writeFileCommand(join(dir, 'no-such-dir', 'f'), { mode: '0644' }), 'x');
      assert.notEqual(missing.code, 0);
    });

    test('validates path, mode and owner', () => {
      assert.throws(() => writeFileCommand('relative', { mode: '0644' }), InvalidShellArgumentError);
      assert.throws(() => writeFileCommand('/etc/', { mode: '0644' }), InvalidShellArgumentError);
      for (const mode of ['644;id', '0999', 'rwx', '', '12345']) {
        assert.throws(() => writeFileCommand('/etc/x', { mode }), InvalidShellArgumentError, mode);
      }
      for (const owner of ['root;id', 'a b', '$(id)', ':root', 'root:', '-r']) {
        assert.throws(() => writeFileCommand('/etc/x', { mode: '0644', owner }), InvalidShellArgumentError, owner);
      }
    });
  });

  describe('exec envelope', () => {
    test('reports the process group first, then runs the command', async () => {
      const result = await runLocalShell(execEnvelope(command('printf', '%s', 'hi')).command.text, { cwd: dir });
      assert.equal(result.stdout.toString(), 'hi');
      assert.match(result.stderr.toString(), new RegExp(`^${EXEC_MARKERS.processGroup}\\d+\\n$`));
    });

    test('sudo variants run the whole command in one root shell', () => {
      const write = redirectOutput(command('printf', '%s', 'x'), '/etc/x');
      const nopasswd = execEnvelope(write, 'nopasswd').command.text;
      assert.match(nopasswd, /; sudo -n -- sh -c '/);
      assert.ok(nopasswd.includes("> /etc/x'"), 'the redirection is inside the root shell');
      const password = execEnvelope(write, 'password').command.text;
      assert.match(password, new RegExp(`; sudo -S -p ${EXEC_MARKERS.sudoPrompt} -- sh -c '`));
    });

    test('killProcessGroupCommand kills a whole group and validates the id', async () => {
      assert.throws(() => killProcessGroupCommand(1), InvalidShellArgumentError);
      assert.throws(() => killProcessGroupCommand(-5), InvalidShellArgumentError);
      assert.equal(killProcessGroupCommand(1234).text, `sh -c 'kill -s KILL -- "-$1"' kill-process-group 1234`);
    });
  });
});
