import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ZERO_UUID, needsPositionRecovery, parseGrastate, parseGvwstate, renderGrastate } from './grastate';

const UUID = '05f061bd-02a3-11ee-857c-aa370ff6666b';

describe('parseGrastate', () => {
  test('reads the file Galera 26.4 writes after a clean shutdown', () => {
    const r = parseGrastate(`# GALERA saved state\nversion: 2.1\nuuid:    ${UUID}\nseqno:   42\nsafe_to_bootstrap: 1\n`);
    assert.deepEqual(r, { ok: true, value: { version: '2.1', uuid: UUID, seqno: 42, safeToBootstrap: true } });
  });

  test('reads the file of a running bootstrapped node (seqno -1 while it runs, still marked safe)', () => {
    // As MariaDB 10.11.19 / Galera 4.23 left it while running alone, and after a kill -9.
    const r = parseGrastate('# GALERA saved state\nversion: 2.1\nuuid:    ef03f24e-e8ae-11f1-ba4b-c7773f8be10e\nseqno:   -1\nsafe_to_bootstrap: 1\n');
    assert.deepEqual(r, { ok: true, value: { version: '2.1', uuid: 'ef03f24e-e8ae-11f1-ba4b-c7773f8be10e', seqno: -1, safeToBootstrap: true } });
  });

  test('reads the crash state: seqno -1, not safe to bootstrap', () => {
    const r = parseGrastate(`version: 2.1\nuuid: ${UUID}\nseqno: -1\nsafe_to_bootstrap: 0`);
    assert.ok(r.ok);
    assert.equal(r.value.seqno, -1);
    assert.equal(r.value.safeToBootstrap, false);
  });

  test('tolerates CRLF, tabs and a missing safe_to_bootstrap line (older Galera)', () => {
    const r = parseGrastate(`version:\t2.1\r\nuuid:\t${UUID.toUpperCase()}\r\nseqno:\t7\r\n`);
    assert.ok(r.ok);
    assert.equal(r.value.uuid, UUID);
    assert.equal(r.value.safeToBootstrap, false);
  });

  test('refuses files without a valid uuid, seqno or flag', () => {
    for (const text of ['', `uuid: foo\nseqno: 1`, `uuid: ${UUID}\nseqno: bar`, `uuid: ${UUID}\nseqno: -2`, `uuid: ${UUID}\nseqno: 1\nsafe_to_bootstrap: yes`]) {
      const r = parseGrastate(text);
      assert.equal(r.ok, false, JSON.stringify(text));
      if (!r.ok) assert.equal(r.code, 'GRASTATE_INVALID');
    }
  });

  test('renderGrastate writes what parseGrastate reads back', () => {
    const state = { version: '2.1', uuid: ZERO_UUID, seqno: -1, safeToBootstrap: true };
    const text = renderGrastate(state);
    assert.match(text, /^safe_to_bootstrap: 1$/m);
    assert.deepEqual(parseGrastate(text), { ok: true, value: state });
  });
});

describe('parseGvwstate', () => {
  test('reads my_uuid, the view id and its members', () => {
    const r = parseGvwstate(
      [
        'my_uuid: d3124bc8-1605-11e4-aa3d-ab44303c044a',
        '#vwbeg',
        'view_id: 3 0dae1307-1606-11e4-aa94-5255b1dac55f 3',
        'bootstrap: 0',
        'member: 0dae1307-1606-11e4-aa94-5255b1dac55f 0',
        'member: 47bbe2e2-1606-11e4-8593-2a6d8335bc79 0',
        'member: d3124bc8-1605-11e4-aa3d-ab44303c044a 0',
        '#vwend',
        '',
      ].join('\n'),
    );
    assert.ok(r.ok);
    assert.equal(r.value.myUuid, 'd3124bc8-1605-11e4-aa3d-ab44303c044a');
    assert.equal(r.value.viewId, '3 0dae1307-1606-11e4-aa94-5255b1dac55f 3');
    assert.equal(r.value.members.length, 3);
  });

  test('refuses a file without my_uuid or members', () => {
    assert.equal(parseGvwstate('#vwbeg\n#vwend').ok, false);
    assert.equal(parseGvwstate('my_uuid: d3124bc8-1605-11e4-aa3d-ab44303c044a\n').ok, false);
  });
});

describe('needsPositionRecovery', () => {
  const uuid = '6e1a7c4c-9b8e-11ee-8c4a-0242ac120002';
  test('a crash (seqno -1 with a history) and a missing file need a recovered position', () => {
    assert.equal(needsPositionRecovery({ version: '2.1', uuid, seqno: -1, safeToBootstrap: false }), true);
    assert.equal(needsPositionRecovery(undefined), true);
  });
  test('a clean shutdown (seqno kept) and an empty datadir (zero uuid) do not', () => {
    assert.equal(needsPositionRecovery({ version: '2.1', uuid, seqno: 17, safeToBootstrap: true }), false);
    assert.equal(needsPositionRecovery({ version: '2.1', uuid: ZERO_UUID, seqno: -1, safeToBootstrap: false }), false);
  });
});
