import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseGrastate, parseWsrepStatus } from '@galera-cp/galera';
import { observeCommand, parseBatchRows, parseObservation, parseStateFiles, recoverPositionCommand, stateFilesCommand, wsrepStatusCommand } from './mariadb-client';
import { runLocalShell } from './shell/testing/run-local-shell';

describe('the local mariadb client and the state files', () => {
  test('the status query runs as root over the socket, bounded, in batch mode', () => {
    assert.equal(
      wsrepStatusCommand().text,
      "mariadb '--connect-timeout=3' --batch --skip-column-names -e 'SHOW GLOBAL STATUS WHERE Variable_name LIKE '\\''wsrep\\_%'\\'' OR Variable_name = '\\''Uptime'\\''; SHOW GLOBAL VARIABLES WHERE Variable_name = '\\''wsrep_cluster_name'\\'''",
    );
  });

  test('an observation reads the status rows and whether a server runs', () => {
    const out = 'Uptime\t42\nwsrep_cluster_status\tPrimary\nwsrep_local_state_comment\tSynced\nwsrep_incoming_addresses\t10.0.0.1:3306,10.0.0.2:3306\n@@mariadbd running\n';
    const read = parseObservation(out);
    assert.equal(read.running, true);
    const status = parseWsrepStatus(read.rows);
    assert.equal(status.clusterStatus, 'Primary');
    assert.deepEqual(status.incomingAddresses, ['10.0.0.1:3306', '10.0.0.2:3306']);
    assert.deepEqual(parseObservation('@@mariadbd stopped\n'), { rows: [], running: false });
    assert.deepEqual(parseBatchRows('a\tb\nc\td\n'), [
      ['a', 'b'],
      ['c', 'd'],
    ]);
    assert.match(observeCommand(['/etc/a.cnf']).text, /\|\| true; \{ pgrep -x mariadbd >\/dev\/null 2>&1 && printf/);
  });

  test("an observation also reads the running server's wsrep_cluster_name and the option file: who owns the host", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'etc-'));
    try {
      const config = '# Written by the control plane for cluster cl_01B: manual edits are overwritten.\n[galera]\nwsrep_cluster_name = "billing"\n';
      writeFileSync(join(dir, 'b.cnf'), config);
      const command = observeCommand([join(dir, 'a.cnf'), join(dir, 'b.cnf')]);
      const run = await runLocalShell(command.text.replace(/^mariadb .*? \|\| true; /, "printf 'wsrep_cluster_status\\tPrimary\\nwsrep_cluster_name\\tbilling\\n' || true; "), { cwd: dir });
      const read = parseObservation(run.stdout.toString());
      assert.equal(read.clusterName, 'billing');
      assert.equal(read.configText, config);
      assert.deepEqual(read.rows, [['wsrep_cluster_status', 'Primary']]);
      const none = parseObservation('@@mariadbd stopped\n@@galera-config\n');
      assert.deepEqual(none, { rows: [], running: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('grastate.dat and gvwstate.dat read in one round trip through a real shell; a missing file is told apart', async () => {
    const datadir = mkdtempSync(join(tmpdir(), 'datadir-'));
    try {
      writeFileSync(join(datadir, 'grastate.dat'), '# GALERA saved state\nversion: 2.1\nuuid:    8bbc6b49-bd6e-11ee-9a4f-5e8b6a1f2c31\nseqno:   -1\nsafe_to_bootstrap: 0\n');
      const run = await runLocalShell(stateFilesCommand(datadir).text, { cwd: datadir });
      assert.equal(run.code, 0);
      const files = parseStateFiles(run.stdout.toString());
      assert.equal(files.gvwstate, undefined);
      assert.ok(files.grastate);
      const grastate = parseGrastate(files.grastate);
      assert.ok(grastate.ok && grastate.value.seqno === -1);
    } finally {
      rmSync(datadir, { recursive: true, force: true });
    }
  });

  test('position recovery refuses to run while a server runs', () => {
    assert.equal(recoverPositionCommand().text, "! pgrep -x mariadbd >/dev/null 2>&1 && printf '%s\\n' @@no-server-running && galera_recovery");
  });
});
