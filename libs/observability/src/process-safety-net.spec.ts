import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';

const root = join(__dirname, '..', '..', '..');

/** Runs a process that installs the safety net, then fails the way `failure` says. */
function runFailing(failure: string): { status: number | null; lines: Record<string, unknown>[] } {
  const script = `
    const pino = require('pino');
    const { JsonLogger } = require('./libs/observability/src/json-logger.ts');
    const { installProcessSafetyNet } = require('./libs/observability/src/process-safety-net.ts');
    const logger = new JsonLogger('info', pino.destination({ dest: 1, sync: true }));
    installProcessSafetyNet(logger, (reason, code) => { logger.log({ msg: 'stopping', signal: reason }); process.exit(code); });
    setTimeout(() => process.exit(0), 2000);
    ${failure}
  `;
  const child = spawnSync(process.execPath, ['-r', '@swc-node/register', '-e', script], { cwd: root, encoding: 'utf8' });
  const lines = child.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { status: child.status, lines };
}

describe('installProcessSafetyNet', () => {
  test('an unhandled rejection is logged as fatal with its error, then the process stops with exit code 70', () => {
    const { status, lines } = runFailing(`Promise.reject(new Error('Cluster cl_x is FAILED'));`);
    assert.equal(status, 70);
    const fatal = lines.find((l) => l.level === 'fatal');
    assert.equal(fatal?.msg, 'unhandled rejection');
    assert.equal((fatal?.err as { message: string }).message, 'Cluster cl_x is FAILED');
    assert.equal(lines.at(-1)?.msg, 'stopping');
  });

  test('an uncaught exception is logged as fatal too', () => {
    const { status, lines } = runFailing(`setImmediate(() => { throw new TypeError('boom'); });`);
    assert.equal(status, 70);
    assert.deepEqual(
      lines.filter((l) => l.level === 'fatal').map((l) => [l.msg, (l.err as { name: string }).name]),
      [['uncaught exception', 'TypeError']],
    );
  });
});
