import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateClockSkew, judgeClockSkew, parseRemoteClock, remoteClockCommand } from './clock-skew';

describe('clock skew', () => {
  test('the probe is `date +%s%N`, and its output reads as epoch ms', () => {
    assert.equal(remoteClockCommand().text, 'date +%s%N');
    const precise = parseRemoteClock('1764060000123456789\n');
    assert.ok(precise && Math.abs(precise.remoteMs - 1764060000123.457) < 0.001 && precise.resolutionMs === 1e-6);
    assert.deepEqual(parseRemoteClock('1764060000N\n'), { remoteMs: 1764060000000, resolutionMs: 1000 });
    assert.deepEqual(parseRemoteClock('1764060000%N'), { remoteMs: 1764060000000, resolutionMs: 1000 });
    assert.equal(parseRemoteClock('Tue Nov 25'), undefined);
    assert.equal(parseRemoteClock(''), undefined);
  });

  test('the shortest round trip wins, and its middle is when the host read its clock', () => {
    const skew = estimateClockSkew([
      { sentAtMs: 1000, receivedAtMs: 1100, remoteMs: 1500, resolutionMs: 0 },
      { sentAtMs: 2000, receivedAtMs: 2010, remoteMs: 2505, resolutionMs: 0 },
      { sentAtMs: 3000, receivedAtMs: 3040, remoteMs: 3520, resolutionMs: 0 },
    ]);
    assert.deepEqual(skew, { offsetMs: 500, uncertaintyMs: 5, rttMs: 10 });
  });

  test('a host behind the control plane has a negative offset', () => {
    const skew = estimateClockSkew([{ sentAtMs: 10_000, receivedAtMs: 10_020, remoteMs: 7_010, resolutionMs: 0 }]);
    assert.equal(skew.offsetMs, -3000);
    assert.equal(skew.uncertaintyMs, 10);
  });

  test('refused only when provably beyond the bound, including the uncertainty', () => {
    assert.equal(judgeClockSkew({ offsetMs: 1500, uncertaintyMs: 10, rttMs: 20 }, 1000).ok, false);
    assert.equal(judgeClockSkew({ offsetMs: -1500, uncertaintyMs: 10, rttMs: 20 }, 1000).ok, false);
    assert.equal(judgeClockSkew({ offsetMs: 1005, uncertaintyMs: 10, rttMs: 20 }, 1000).ok, true, 'within the measurement error');
    assert.equal(judgeClockSkew({ offsetMs: 3, uncertaintyMs: 1, rttMs: 2 }, 1000).ok, true);
    assert.match(judgeClockSkew({ offsetMs: 5000, uncertaintyMs: 2, rttMs: 4 }, 1000).message, /ahead by 5000 ms .*bound is 1000 ms/);
    // whole-second readings carry a second of uncertainty
    assert.equal(judgeClockSkew({ offsetMs: 1800, uncertaintyMs: 1001, rttMs: 2 }, 1000).ok, true);
  });

  test('at least one sample is needed', () => {
    assert.throws(() => estimateClockSkew([]), RangeError);
  });
});
