import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { emptyDirectoryCommand } from './empty-directory';
import { InvalidShellArgumentError } from './shell.errors';
import { runLocalShell } from './testing/run-local-shell';

describe('emptyDirectoryCommand', () => {
  test('removes every entry, dot files and symlinks included, and keeps the directory', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'empty-dir-'));
    try {
      const dir = join(cwd, "data dir's");
      const outside = join(cwd, 'outside');
      mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
      writeFileSync(outside, 'keep');
      for (const name of ['ibdata1', '.hidden', '..dots', '-rf', '*']) writeFileSync(join(dir, name), 'x');
      symlinkSync(outside, join(dir, 'link'));
      const run = await runLocalShell(emptyDirectoryCommand(dir).text, { cwd });
      assert.equal(run.code, 0, run.stderr.toString());
      assert.deepEqual(readdirSync(dir), []);
      assert.ok(existsSync(outside), 'a symlink is removed, not followed');
      const again = await runLocalShell(emptyDirectoryCommand(dir).text, { cwd });
      assert.equal(again.code, 0, 'an empty directory is fine');
      const missing = await runLocalShell(emptyDirectoryCommand(join(cwd, 'nope', 'x')).text, { cwd });
      assert.equal(missing.code, 0, 'a missing directory is fine');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  test('refuses paths that could empty a system directory', () => {
    for (const path of ['/', '/var', 'var/lib/mysql', '/var/lib/../..', '/var/./lib', '']) {
      assert.throws(() => emptyDirectoryCommand(path), InvalidShellArgumentError, path);
    }
    assert.doesNotThrow(() => emptyDirectoryCommand('/var/lib/mysql'));
  });
});
