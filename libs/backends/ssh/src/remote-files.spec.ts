import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { markerNonce, parseFiles, readFilesCommand } from './remote-files';
import { runLocalShell } from './shell/testing/run-local-shell';

describe('reading several files in one round trip', () => {
  test('contents come back byte for byte; missing files are told apart from empty ones', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'files-'));
    try {
      const contents = ['[mysqld]\nwsrep_on = ON\n', '', 'no newline at the end', '@@file-0 1\n@@missing 0\nlooks like a marker\n\n'];
      const paths = contents.map((c, i) => {
        const path = join(cwd, `f${i}`);
        writeFileSync(path, c);
        return path;
      });
      paths.splice(2, 0, join(cwd, 'missing'));
      const nonce = markerNonce();
      const run = await runLocalShell(readFilesCommand(paths, nonce).text, { cwd });
      assert.equal(run.code, 0);
      assert.deepEqual(parseFiles(run.stdout.toString(), paths.length, nonce), [contents[0], contents[1], undefined, contents[2], contents[3]]);
      const one = await runLocalShell(readFilesCommand([paths[0]], nonce).text, { cwd });
      assert.deepEqual(parseFiles(one.stdout.toString(), 1, nonce), [contents[0]]);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
