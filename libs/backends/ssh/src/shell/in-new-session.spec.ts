import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { command, inNewSession, pipeline, sequence } from './command';
import { InvalidShellArgumentError } from './shell.errors';
import { runLocalShell } from './testing/run-local-shell';

describe('inNewSession', () => {
  test('renders setsid -f -w around one program, and nothing else', () => {
    assert.equal(inNewSession(command('service', 'mariadb', 'start')).text, 'setsid -f -w service mariadb start');
    assert.throws(() => inNewSession(pipeline(command('true'), command('true')) as never), InvalidShellArgumentError);
  });

  test('the program runs in a session of its own, and its exit status comes through', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'setsid-'));
    try {
      const run = await runLocalShell(sequence(command('cat', '/proc/self/stat'), inNewSession(command('cat', '/proc/self/stat'))).text, { cwd });
      assert.equal(run.code, 0, run.stderr.toString());
      const [outside, inside] = run.stdout
        .toString()
        .trim()
        .split('\n')
        .map((line) => line.split(' ')[5]);
      assert.ok(outside && inside);
      assert.notEqual(inside, outside, 'another session id');
      assert.equal((await runLocalShell(inNewSession(command('false')).text, { cwd })).code, 1);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
