import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseReachability, reachabilityCommand } from './preflight';

describe('member-to-member reachability', () => {
  test("one probe per peer through the vocabulary's TCP probe, each reporting ok or fail", () => {
    const text = reachabilityCommand([
      { address: '10.0.0.12', port: 22 },
      { address: '10.0.0.13', port: 22 },
    ]).text;
    assert.equal(
      text,
      "{ timeout --kill-after=1 3 bash -c 'exec 3<>\"/dev/tcp/$1/$2\"' tcp-probe 10.0.0.12 22 && printf 'probe ok %s\\n' 10.0.0.12; } || printf 'probe fail %s\\n' 10.0.0.12; " +
        "{ timeout --kill-after=1 3 bash -c 'exec 3<>\"/dev/tcp/$1/$2\"' tcp-probe 10.0.0.13 22 && printf 'probe ok %s\\n' 10.0.0.13; } || printf 'probe fail %s\\n' 10.0.0.13",
    );
    assert.throws(() => reachabilityCommand([{ address: '10.0.0.1; reboot', port: 22 }]));
  });

  test('the output tells reached from failed peers', () => {
    assert.deepEqual(parseReachability('probe ok 10.0.0.12\nbash: connect: Connection refused\nprobe fail 10.0.0.13\n'), { reached: ['10.0.0.12'], failed: ['10.0.0.13'] });
    assert.deepEqual(parseReachability(''), { reached: [], failed: [] });
  });
});
