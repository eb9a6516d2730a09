import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { averageWriteSetBytes, chooseDonor, chooseStateTransfer, isRecentlyRestarted, recommendGcacheSize, type DonorCandidate } from './donor';
import { parseWsrepStatus } from './node-health';
import { GaleraRuleError } from './problems';

const synced = (name: string, extra: Partial<DonorCandidate> = {}): DonorCandidate => ({ name, nodeState: 'Synced', primary: true, ...extra });

describe('chooseDonor', () => {
  test('prefers a Synced node that is neither the writer nor just restarted', () => {
    const d = chooseDonor([synced('db-1'), synced('db-2', { recentlyRestarted: true }), synced('db-3'), { name: 'db-4', nodeState: 'Joining', primary: true }], 'db-4', {
      writer: 'db-1',
    });
    assert.ok(d.ok);
    assert.equal(d.code, 'DONOR_CHOSEN');
    assert.equal(d.donor, 'db-3');
    assert.equal(d.wsrepSstDonor, 'db-3,db-1,db-2');
  });

  test('avoids the writer when another Synced node exists', () => {
    const d = chooseDonor([synced('db-1'), synced('db-2')], 'db-3', { writer: 'db-1' });
    assert.ok(d.ok);
    assert.equal(d.donor, 'db-2');
  });

  test('a just-restarted node donates only when every Synced node restarted recently', () => {
    const d = chooseDonor([synced('db-1', { recentlyRestarted: true }), synced('db-2', { recentlyRestarted: true })], 'db-3');
    assert.ok(d.ok);
    assert.equal(d.donor, 'db-1');
    assert.match(d.message, /restarted recently/);
  });

  test('only Synced members of the Primary component donate', () => {
    const d = chooseDonor(
      [
        { name: 'db-1', nodeState: 'Donor/Desynced', primary: true },
        { name: 'db-2', nodeState: 'Synced', primary: false },
        { name: 'db-3', nodeState: 'Joined', primary: true },
      ],
      'db-4',
    );
    assert.deepEqual([d.ok, !d.ok && d.code], [false, 'NO_SYNCED_DONOR']);
  });

  test('never the only Synced node while another member is about to be Synced again', () => {
    const d = chooseDonor([synced('db-1'), { name: 'db-2', nodeState: 'Joined', primary: true }], 'db-3');
    assert.deepEqual([d.ok, !d.ok && d.code], [false, 'DONOR_WOULD_BE_LAST_SYNCED']);
    assert.match(d.message, /wait until db-2/);
  });

  test('the only Synced node donates when no other donor can appear (first join after bootstrap)', () => {
    const d = chooseDonor([synced('db-1'), { name: 'db-3', nodeState: 'Unknown', primary: false }], 'db-2', { sstMethod: 'rsync' });
    assert.ok(d.ok);
    assert.equal(d.code, 'DONOR_ONLY_SYNCED_NODE');
    assert.equal(d.donor, 'db-1');
    assert.match(d.message, /rsync it blocks writes/);
  });

  test('the joiner never donates to itself', () => {
    const d = chooseDonor([synced('db-1'), synced('db-2')], 'db-1');
    assert.ok(d.ok);
    assert.equal(d.wsrepSstDonor, 'db-2');
  });
});

const H = '15d9a0ef-02b1-11ee-9499-decd8e34642e';

describe('chooseStateTransfer', () => {
  test('IST when the donor gcache still holds the first missing seqno', () => {
    const t = chooseStateTransfer({ joiner: { uuid: H, seqno: 1000 }, donor: { uuid: H, lastCommitted: 1500, cachedDownTo: 1001 } });
    assert.deepEqual([t.method, t.code, t.missingTransactions], ['IST', 'IST_GCACHE_COVERS_GAP', 500]);
  });

  test('SST when the gcache starts after the joiner position', () => {
    const t = chooseStateTransfer({ joiner: { uuid: H, seqno: 1000 }, donor: { uuid: H, lastCommitted: 1500, cachedDownTo: 1002 } });
    assert.deepEqual([t.method, t.code], ['SST', 'SST_GCACHE_MISSES_GAP']);
  });

  test('SST for an empty joiner, another history, or a joiner ahead of the cluster', () => {
    const donor = { uuid: H, lastCommitted: 10, cachedDownTo: 1 };
    assert.equal(chooseStateTransfer({ joiner: {}, donor }).code, 'SST_JOINER_EMPTY');
    assert.equal(chooseStateTransfer({ joiner: { uuid: '00000000-0000-0000-0000-000000000000', seqno: -1 }, donor }).code, 'SST_JOINER_EMPTY');
    assert.equal(chooseStateTransfer({ joiner: { uuid: '0794bb7b-0614-41cd-8301-4fe1d55a1f60', seqno: 5 }, donor }).code, 'SST_OTHER_HISTORY');
    const ahead = chooseStateTransfer({ joiner: { uuid: H, seqno: 12 }, donor });
    assert.deepEqual([ahead.method, ahead.code], ['SST', 'SST_JOINER_AHEAD']);
    assert.match(ahead.message, /2 transaction/);
  });

  test('IST with nothing missing', () => {
    assert.equal(chooseStateTransfer({ joiner: { uuid: H, seqno: 10 }, donor: { uuid: H, lastCommitted: 10 } }).code, 'IST_NOTHING_MISSING');
  });

  test('estimates from write-set size when the cached range is unknown', () => {
    const fits = chooseStateTransfer({
      joiner: { uuid: H, seqno: 0 },
      donor: { uuid: H, lastCommitted: 1000 },
      estimate: { gcacheBytes: 1024 * 1024, averageWriteSetBytes: 800 },
    });
    assert.deepEqual([fits.method, fits.code], ['IST', 'IST_ESTIMATE_FITS_GCACHE']);
    const exceeds = chooseStateTransfer({
      joiner: { uuid: H, seqno: 0 },
      donor: { uuid: H, lastCommitted: 1000 },
      estimate: { gcacheBytes: 1024 * 1024, averageWriteSetBytes: 1000 },
    });
    assert.deepEqual([exceeds.method, exceeds.code], ['SST', 'SST_ESTIMATE_EXCEEDS_GCACHE']);
    const unknown = chooseStateTransfer({ joiner: { uuid: H, seqno: 0 }, donor: { uuid: H, lastCommitted: 1000 } });
    assert.deepEqual([unknown.method, unknown.code], ['SST', 'SST_COVERAGE_UNKNOWN']);
  });

  test('averageWriteSetBytes reads replicated and received traffic', () => {
    const status = parseWsrepStatus({ wsrep_replicated: '10', wsrep_replicated_bytes: '1000', wsrep_received: '30', wsrep_received_bytes: '5000' });
    assert.equal(averageWriteSetBytes(status), 150);
    assert.equal(averageWriteSetBytes(parseWsrepStatus({})), undefined);
  });
});

describe('recommendGcacheSize', () => {
  test('covers write rate x outage with headroom, rounded up to 64M', () => {
    // 1 MiB/s for 10 minutes = 600 MiB, x1.2 = 720 MiB -> 768M.
    const r = recommendGcacheSize({ writeBytesPerSecond: 1024 * 1024, outageSeconds: 600 });
    assert.equal(r.bytes, 768 * 1024 * 1024);
    assert.equal(r.size, '768M');
    assert.match(r.message, /600 s/);
  });

  test('rounds to gigabytes when it can', () => {
    // 8 MiB/s x 400 s x 1.2 = 3840 MiB -> 3840M = 3.75G, written 3840M; 8 MiB/s x 640 s x 1.2 = 6144M = 6G.
    assert.equal(recommendGcacheSize({ writeBytesPerSecond: 8 * 1024 * 1024, outageSeconds: 640 }).size, '6G');
  });

  test('never below the 128M floor', () => {
    const r = recommendGcacheSize({ writeBytesPerSecond: 1000, outageSeconds: 60 });
    assert.equal(r.size, '128M');
    assert.match(r.message, /floor/);
  });

  test('refuses negative or non-finite input with a code', () => {
    assert.throws(
      () => recommendGcacheSize({ writeBytesPerSecond: -1, outageSeconds: 60 }),
      (e: unknown) => e instanceof GaleraRuleError && e.code === 'GCACHE_INPUT_INVALID',
    );
    assert.throws(() => recommendGcacheSize({ writeBytesPerSecond: 1, outageSeconds: Number.POSITIVE_INFINITY }), GaleraRuleError);
  });
});

describe('isRecentlyRestarted', () => {
  test('under two minutes of uptime is just restarted; unknown uptime is not', () => {
    assert.equal(isRecentlyRestarted(5), true);
    assert.equal(isRecentlyRestarted(119), true);
    assert.equal(isRecentlyRestarted(120), false);
    assert.equal(isRecentlyRestarted(undefined), false);
  });
});
