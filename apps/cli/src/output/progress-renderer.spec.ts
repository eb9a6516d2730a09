import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { operationFixture, stepFixture } from '../testing/fake-api';
import { outcomeLine, progressBar, ProgressRenderer, truncateVisible } from './progress-renderer';
import { createPaint } from './table';

const plain = createPaint(false);

function recorder() {
  const writes: string[] = [];
  return { writes, target: { write: (text: string) => void writes.push(text) }, text: () => writes.join('') };
}

/** A scale from 3 to 5 as polls would see it. */
const polls = [
  operationFixture({ state: 'PENDING', startedAt: null }),
  operationFixture({ state: 'RUNNING', steps: [stepFixture(0, 'Join orders-3', 'RUNNING'), stepFixture(1, 'Join orders-4', 'PENDING')] }),
  operationFixture({ state: 'RUNNING', progress: 50, steps: [stepFixture(0, 'Join orders-3', 'SUCCEEDED'), stepFixture(1, 'Join orders-4', 'RUNNING', { attempts: 2 })] }),
  operationFixture({ state: 'RUNNING', progress: 50, steps: [stepFixture(0, 'Join orders-3', 'SUCCEEDED'), stepFixture(1, 'Join orders-4', 'RUNNING', { attempts: 2 })] }),
];
const succeeded = operationFixture({
  state: 'SUCCEEDED',
  progress: 100,
  startedAt: '2025-01-01T12:00:00.000Z',
  finishedAt: '2025-01-01T12:00:04.200Z',
  steps: [stepFixture(0, 'Join orders-3', 'SUCCEEDED'), stepFixture(1, 'Join orders-4', 'SUCCEEDED', { attempts: 2 })],
  result: { type: 'cluster.scale', fromReplicas: 3, toReplicas: 5, addedNodes: ['orders-3', 'orders-4'], removedNodes: [], members: [] },
});

describe('the progress display without a terminal', () => {
  test('prints one plain line per change, nothing for a poll that saw no change, and the outcome', () => {
    const out = recorder();
    const renderer = new ProgressRenderer(out.target, { tty: false, paint: plain, now: () => 0 });
    for (const poll of polls) renderer.update(poll);
    renderer.finish(succeeded);
    assert.equal(
      out.text(),
      [
        'cluster.scale op_01test: PENDING 0%',
        'cluster.scale op_01test: RUNNING 0%',
        '  [1/2] RUNNING Join orders-3',
        '  [1/2] SUCCEEDED Join orders-3',
        '  [2/2] RUNNING Join orders-4 (attempt 2/3)',
        '  [2/2] SUCCEEDED Join orders-4 (attempt 2/3)',
        '✓ cluster.scale op_01test SUCCEEDED in 4.2s: 3 -> 5 members, added orders-3, orders-4',
        '',
      ].join('\n'),
    );
    assert.ok(!out.text().includes('\x1b'), 'no control codes in a log');
  });

  test('a failure names the failed step and the error, once', () => {
    const out = recorder();
    const renderer = new ProgressRenderer(out.target, { tty: false, paint: plain, now: () => 0 });
    renderer.update(operationFixture({ type: 'cluster.restart', steps: [stepFixture(0, 'Restart orders-0', 'RUNNING')] }));
    const error = { code: 'TEST_FAILURE', detail: 'scripted failure', step: 'restart:orders-0' };
    renderer.finish(
      operationFixture({
        type: 'cluster.restart',
        state: 'FAILED',
        startedAt: '2025-01-01T12:00:00.000Z',
        finishedAt: '2025-01-01T12:00:00.500Z',
        error,
        steps: [stepFixture(0, 'Restart orders-0', 'FAILED', { error })],
      }),
    );
    const lines = out.text().trimEnd().split('\n');
    assert.equal(lines.at(-2), '  [1/1] FAILED Restart orders-0: TEST_FAILURE: scripted failure');
    assert.equal(lines.at(-1), '✗ cluster.restart op_01test FAILED after 500ms: TEST_FAILURE: scripted failure (step restart:orders-0)');
  });

  test('an operation waiting for approval says how to approve it, once', () => {
    const out = recorder();
    const renderer = new ProgressRenderer(out.target, { tty: false, paint: plain, now: () => 0 });
    const waiting = operationFixture({ type: 'cluster.recover', approval: { state: 'PENDING', approvedBy: null, approvedAt: null } });
    renderer.update(waiting);
    renderer.update(waiting);
    assert.equal(out.text().split('galeractl operations approve op_01test').length - 1, 1);
  });
});

describe('the progress display on a terminal', () => {
  test('redraws its block in place: up over the lines drawn, clear, draw', () => {
    const out = recorder();
    let clock = 0;
    const renderer = new ProgressRenderer(out.target, { tty: true, paint: plain, now: () => clock, columns: 120 });
    renderer.update(polls[0]);
    clock = 2500;
    renderer.update(polls[2]);
    renderer.finish(succeeded);
    const [first, second, final] = out.writes;
    assert.equal(first, '⠋ cluster.scale  PENDING  [░░░░░░░░░░░░░░░░]   0%  0ms  op_01test\n');
    assert.ok(second.startsWith('\x1b[1F\x1b[J'), 'moves up over the one line drawn');
    assert.equal(second.slice('\x1b[1F\x1b[J'.length), '⠙ cluster.scale  RUNNING  [████████░░░░░░░░]  50%  2.5s  op_01test\n  ✓ 1/2 Join orders-3\n  ▸ 2/2 Join orders-4  (attempt 2/3)\n');
    assert.ok(final.startsWith('\x1b[3F\x1b[J✓ cluster.scale  SUCCEEDED'), 'the final frame replaces the three lines');
    assert.equal(out.writes.at(-1), '✓ cluster.scale op_01test SUCCEEDED in 4.2s: 3 -> 5 members, added orders-3, orders-4\n');
  });

  test('lines are cut to the terminal width, so they never wrap', () => {
    const out = recorder();
    const renderer = new ProgressRenderer(out.target, { tty: true, paint: createPaint(true), now: () => 0, columns: 40 });
    renderer.update(operationFixture({ steps: [stepFixture(0, 'A step with a title far longer than forty columns', 'RUNNING')] }));
    for (const line of out.text().split('\n').filter(Boolean)) {
      // eslint-disable-next-line no-control-regex
      assert.ok(line.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').length <= 39, line);
    }
  });

  test('a long step list shows a window around the running step', () => {
    const out = recorder();
    const steps = Array.from({ length: 30 }, (_, i) => stepFixture(i, `Step ${i + 1}`, i < 14 ? 'SUCCEEDED' : i === 14 ? 'RUNNING' : 'PENDING'));
    new ProgressRenderer(out.target, { tty: true, paint: plain, now: () => 0, columns: 120, maxStepLines: 6 }).update(operationFixture({ steps }));
    assert.deepEqual(out.text().trimEnd().split('\n').slice(1), ['  ✓ 12 earlier steps', '  ✓ 13/30 Step 13', '  ✓ 14/30 Step 14', '  ▸ 15/30 Step 15', '  · 16/30 Step 16', '  · 14 more steps']);
  });
});

describe('progress helpers', () => {
  test('the bar fills in proportion and clamps', () => {
    assert.equal(progressBar(0, 4), '[░░░░]');
    assert.equal(progressBar(50, 4), '[██░░]');
    assert.equal(progressBar(140, 4), '[████]');
  });

  test('truncation keeps colour codes and resets them', () => {
    const paint = createPaint(true);
    assert.equal(truncateVisible('abcdef', 4), 'abc…');
    assert.equal(truncateVisible(paint.red('abcdef'), 4), '\x1b[31mabc…\x1b[0m');
    assert.equal(truncateVisible('abc', 4), 'abc');
  });

  test('the outcome line of a cancelled operation without an error', () => {
    assert.equal(outcomeLine(operationFixture({ state: 'CANCELLED', finishedAt: '2025-01-01T11:59:01.000Z' }), plain), '✗ cluster.scale op_01test CANCELLED after 1.0s');
  });
});
