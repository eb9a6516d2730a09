import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { quoteShellArg } from './quote';
import { InvalidShellArgumentError } from './shell.errors';
import { runLocalShell } from './testing/run-local-shell';

// sshd hands the command line to the login shell as one argv entry (`sh -c <line>`); Linux
// caps one argv entry at 128 KiB, so the round trip goes in batches below that.
const MAX_SCRIPT_BYTES = 100 * 1024;

/**
 * Prints every argument through `printf '%s\0'` in as few shell runs as possible and returns
 * the bytes the shell printed for each, in order. NUL is the separator because no argument can
 * contain it.
 */
async function roundTrip(values: readonly string[], shell: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Buffer[]> {
  const outputs: Buffer[] = [];
  let batch: string[] = [];
  let size = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const script = `printf '%s\\0' ${batch.join(' ')}`;
    const result = await runLocalShell(script, { shell, env, cwd });
    assert.equal(result.code, 0, `the shell failed: ${result.stderr.toString()}`);
    const parts: Buffer[] = [];
    let start = 0;
    for (let i = 0; i < result.stdout.length; i++) {
      if (result.stdout[i] === 0) {
        parts.push(result.stdout.subarray(start, i));
        start = i + 1;
      }
    }
    assert.equal(start, result.stdout.length, 'output must end with the separator');
    assert.equal(parts.length, batch.length, 'one output per argument');
    outputs.push(...parts);
    batch = [];
    size = 0;
  };
  for (const value of values) {
    const quoted = quoteShellArg(value);
    const bytes = Buffer.byteLength(quoted) + 1;
    if (size + bytes > MAX_SCRIPT_BYTES) await flush();
    batch.push(quoted);
    size += bytes;
  }
  await flush();
  return outputs;
}

const isSurrogate = (codePoint: number) => codePoint >= 0xd800 && codePoint <= 0xdfff;

// Characters a shell treats specially, control characters, and the whole Unicode range (no NUL:
// it cannot be in argv and is rejected; no lone surrogates: they have no UTF-8 form).
const SPECIALS = [
  "'",
  '"',
  '\\',
  '$',
  '`',
  '\n',
  '\r',
  '\t',
  ' ',
  '-',
  '--',
  '!',
  '*',
  '?',
  '[',
  ']',
  '~',
  '#',
  '&',
  ';',
  '|',
  '<',
  '>',
  '(',
  ')',
  '{',
  '}',
  '=',
  '%',
  '^',
  '$(',
  '${',
  "'\\''",
  '\x01',
  '\x1b',
  '\x7f',
  '\u00a0',
  '\u2028',
  '\ufeff',
  '\u{1f600}',
];
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIALS) },
  { weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  {
    weight: 3,
    arbitrary: fc
      .integer({ min: 1, max: 0x10ffff })
      .filter((c) => !isSurrogate(c))
      .map((c) => String.fromCodePoint(c)),
  },
);
const shellArgument = fc.oneof(
  { weight: 12, arbitrary: fc.string({ unit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit, maxLength: 20 }).map((s) => `-${s}`) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.string({ unit, minLength: 500, maxLength: 2000 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replaceAll('\0', '')) },
);

const BATCH = 200;
const RUNS = 50; // 50 x 200 = 10,000 strings per shell

describe('quoteShellArg', () => {
  // The shells run here, so nothing a broken quote could do lands in the checkout.
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'galera-cp-quote-cwd-'));
  });
  after(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  test('returns plain words as they are and quotes everything else', () => {
    assert.equal(quoteShellArg('mariadb'), 'mariadb');
    assert.equal(quoteShellArg('/etc/mysql/conf.d/galera.cnf'), '/etc/mysql/conf.d/galera.cnf');
    assert.equal(quoteShellArg('--wsrep-new-cluster'), '--wsrep-new-cluster');
    assert.equal(quoteShellArg(''), "''");
    assert.equal(quoteShellArg('a b'), "'a b'");
    assert.equal(quoteShellArg("it's"), "'it'\\''s'");
    assert.equal(quoteShellArg('x=1'), "'x=1'", '= is quoted so a word never reads as an assignment');
    assert.equal(quoteShellArg('~root'), "'~root'", '~ is quoted so it never expands');
  });

  test('rejects NUL with a typed error that does not echo the value', () => {
    assert.throws(
      () => quoteShellArg('secret\0tail'),
      (error: unknown) => error instanceof InvalidShellArgumentError && error.code === 'SHELL_ARGUMENT_INVALID' && !error.message.includes('secret'),
    );
  });

  test('rejects lone UTF-16 surrogates, which have no UTF-8 encoding', () => {
    assert.throws(() => quoteShellArg('a\ud800b'), InvalidShellArgumentError);
    assert.throws(() => quoteShellArg('\udc00'), InvalidShellArgumentError);
    assert.equal(quoteShellArg('\u{1f600}'), "'\u{1f600}'");
  });

  test('rejects a value that is not a string', () => {
    assert.throws(() => quoteShellArg(42 as unknown as string), InvalidShellArgumentError);
  });

  for (const [shell, env] of [
    ['/bin/sh', { PATH: '/usr/bin:/bin', LC_ALL: 'C' }],
    ['/bin/bash', { PATH: '/usr/bin:/bin', LC_ALL: 'C.UTF-8' }],
  ] as const) {
    test(`round-trips 10,000 random strings byte for byte through ${shell}`, { skip: !existsSync(shell) && `${shell} is missing` }, async () => {
      let checked = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(shellArgument, { minLength: BATCH, maxLength: BATCH }), async (values) => {
          const outputs = await roundTrip(values, shell, env, cwd);
          values.forEach((value, i) => {
            assert.ok(outputs[i].equals(Buffer.from(value, 'utf8')), `argument ${i} changed: ${JSON.stringify(value)}`);
          });
          checked += values.length;
        }),
        { numRuns: RUNS },
      );
      assert.ok(checked >= 10_000, `only ${checked} strings were checked`);
    });
  }

  describe('injection attempts stay inert', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'galera-cp-quote-'));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test('no attempt creates a file or changes what is printed', async () => {
      const marker = join(dir, 'pwned');
      const attempts = [
        `$(touch ${marker})`,
        `\`touch ${marker}\``,
        `; touch ${marker}`,
        `' ; touch ${marker} ; '`,
        `'\\'' ; touch ${marker} #`,
        `&& touch ${marker}`,
        `| touch ${marker}`,
        `> ${marker}`,
        `\ntouch ${marker}\n`,
        `\${IFS}touch\${IFS}${marker}`,
        `$((1+1))`,
        `*`,
        `-n`,
        `--help`,
      ];
      const outputs = await roundTrip(attempts, '/bin/sh', { PATH: '/usr/bin:/bin' }, dir);
      attempts.forEach((attempt, i) => assert.equal(outputs[i].toString('utf8'), attempt));
      assert.deepEqual(await readdir(dir), []);
    });
  });
});
