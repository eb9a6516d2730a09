import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXEC_MARKERS } from '../shell/exec-envelope';
import { ExecStderrFilter } from './exec-stderr-filter';

function record(sudo: boolean) {
  const events: string[] = [];
  const output: Buffer[] = [];
  const filter = new ExecStderrFilter(EXEC_MARKERS, sudo, {
    onProcessGroup: (id) => events.push(`group ${id}`),
    onSudoPrompt: (count) => events.push(`prompt ${count}`),
    onSudoReady: () => events.push('ready'),
    onOutput: (chunk) => output.push(chunk),
  });
  return { filter, events, output: () => Buffer.concat(output).toString() };
}

describe('ExecStderrFilter', () => {
  test('takes out the process group line and passes the rest on', () => {
    const { filter, events, output } = record(false);
    filter.push(Buffer.from(`${EXEC_MARKERS.processGroup}12`));
    filter.push(Buffer.from('34\nreal stderr\n'));
    filter.end();
    assert.deepEqual(events, ['group 1234']);
    assert.equal(output(), 'real stderr\n');
  });

  test('passes on what a login script printed before the marker', () => {
    const { filter, events, output } = record(false);
    filter.push(Buffer.from(`motd noise\n${EXEC_MARKERS.processGroup}99\nafter\n`));
    assert.deepEqual(events, ['group 99']);
    assert.equal(output(), 'motd noise\nafter\n');
  });

  test('with sudo: reports prompts (even mid-line) and the ready line, keeps sudo messages apart', () => {
    const { filter, events, output } = record(true);
    const chunks = [
      `${EXEC_MARKERS.processGroup}7\n`,
      EXEC_MARKERS.sudoPrompt.slice(0, 5),
      `${EXEC_MARKERS.sudoPrompt.slice(5)}\nSorry, try again.\n${EXEC_MARKERS.sudoPrompt}`,
      `${EXEC_MARKERS.sudoReady}\ncommand stderr\n`,
    ];
    for (const chunk of chunks) filter.push(Buffer.from(chunk));
    assert.deepEqual(events, ['group 7', 'prompt 1', 'prompt 2', 'ready']);
    assert.equal(output(), 'command stderr\n');
    assert.equal(filter.sudoMessages, 'Sorry, try again.\n');
    assert.equal(filter.commandStarted, true);
  });

  test('with sudo: a refusal stays in the sudo messages and the command never counts as started', () => {
    const { filter, output } = record(true);
    filter.push(Buffer.from(`${EXEC_MARKERS.processGroup}7\nsudo: a password is required\n`));
    filter.end();
    assert.equal(output(), '');
    assert.equal(filter.commandStarted, false);
    assert.match(filter.sudoMessages, /a password is required/);
  });
});
