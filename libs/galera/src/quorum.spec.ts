import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { canRemoveMembers, checkClusterSize, quorumChange, quorumOf, type QuorumMember } from './quorum';

describe('checkClusterSize', () => {
  test('odd sizes of 3 or more are safe', () => {
    for (const size of [3, 5, 7]) {
      const c = checkClusterSize(size);
      assert.deepEqual([c.allowed, c.safe, c.code], [true, true, 'CLUSTER_SIZE_OK'], `size ${size}`);
      assert.equal(c.risk, undefined);
    }
  });

  test('1, 2 and even sizes are refused without force, with the risk spelled out', () => {
    for (const [size, risk] of [
      [1, /no redundancy/],
      [2, /single failure or a network split/],
      [4, /two halves of 2/],
      [6, /two halves of 3/],
    ] as const) {
      const c = checkClusterSize(size);
      assert.equal(c.allowed, false, `size ${size}`);
      assert.equal(c.code, 'CLUSTER_SIZE_UNSAFE');
      assert.match(c.risk ?? '', risk);
      assert.match(c.message, /force/);
    }
  });

  test('force accepts an unsafe size but keeps the code and the risk for the plan', () => {
    const c = checkClusterSize(2, { force: true });
    assert.equal(c.allowed, true);
    assert.equal(c.safe, false);
    assert.equal(c.code, 'CLUSTER_SIZE_UNSAFE');
    assert.ok(c.risk);
  });

  test('an arbitrator counts as a voter: 2 data nodes + garbd is safe, 1 + 2 garbd is not', () => {
    assert.equal(checkClusterSize(2, { arbitrators: 1 }).code, 'CLUSTER_SIZE_OK');
    const lonely = checkClusterSize(1, { arbitrators: 2 });
    assert.equal(lonely.code, 'CLUSTER_SIZE_UNSAFE');
    assert.match(lonely.risk ?? '', /no copy of the data/);
  });

  test('a size that is not a positive integer is refused even with force', () => {
    for (const size of [0, -3, 2.5, Number.NaN]) {
      const c = checkClusterSize(size, { force: true });
      assert.deepEqual([c.allowed, c.code], [false, 'CLUSTER_SIZE_INVALID'], `size ${size}`);
    }
  });
});

describe('quorumOf', () => {
  test('is a strict majority', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(quorumOf), [1, 2, 2, 3, 3, 4, 4]);
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), (n) => quorumOf(n) * 2 > n && (quorumOf(n) - 1) * 2 <= n));
  });

  test('rejects impossible voter counts', () => {
    assert.throws(() => quorumOf(-1), RangeError);
  });
});

describe('canRemoveMembers', () => {
  const healthy = (name: string, role: QuorumMember['role'] = 'data'): QuorumMember => ({ name, role, healthy: true });
  const down = (name: string): QuorumMember => ({ name, healthy: false });

  test('removing one of three healthy nodes keeps quorum', () => {
    const r = canRemoveMembers([healthy('a'), healthy('b'), healthy('c')], ['c']);
    assert.equal(r.allowed, true);
    assert.equal(r.code, 'REMOVAL_KEEPS_QUORUM');
    assert.deepEqual([r.votersBefore, r.votersAfter, r.quorumAfter, r.healthyAfter], [3, 2, 2, 2]);
  });

  test('removing a healthy node while another is down would lose quorum', () => {
    const r = canRemoveMembers([healthy('a'), healthy('b'), down('c')], ['b']);
    assert.equal(r.allowed, false);
    assert.equal(r.code, 'QUORUM_WOULD_BE_LOST');
    assert.match(r.message, /1 healthy of 2 remaining voters would be below the quorum of 2/);
  });

  test('removing the down node itself is allowed', () => {
    assert.equal(canRemoveMembers([healthy('a'), healthy('b'), down('c')], ['c']).allowed, true);
  });

  test('garbd votes but holds no data: it cannot be the last one standing', () => {
    const members = [healthy('a'), healthy('b'), healthy('garbd', 'arbitrator')];
    assert.equal(canRemoveMembers(members, ['b']).allowed, true);
    const r = canRemoveMembers(members, ['a', 'b']);
    assert.equal(r.code, 'NO_DATA_NODE_WOULD_REMAIN');
  });

  test('garbd keeps quorum for two data nodes when one of them is down', () => {
    const members = [healthy('a'), down('b'), healthy('garbd', 'arbitrator'), healthy('c')];
    // 4 voters, removing c leaves a, b(down), garbd: 2 healthy of 3 is quorum.
    assert.equal(canRemoveMembers(members, ['c']).allowed, true);
  });

  test('unknown names and empty removals are refused', () => {
    assert.equal(canRemoveMembers([healthy('a')], ['zz']).code, 'MEMBER_NOT_FOUND');
    assert.equal(canRemoveMembers([healthy('a')], []).code, 'NOTHING_TO_REMOVE');
  });

  test('property: an allowed removal always leaves a healthy majority of the remaining voters', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 9 }), fc.array(fc.nat(8), { maxLength: 5 }), (health, picks) => {
        const members = health.map((h, i) => ({ name: `n${i}`, healthy: h }));
        const remove = [...new Set(picks.filter((p) => p < members.length).map((p) => `n${p}`))];
        const r = canRemoveMembers(members, remove);
        if (r.allowed) {
          const left = members.filter((m) => !remove.includes(m.name));
          assert.ok(left.filter((m) => m.healthy).length * 2 > left.length);
        }
      }),
    );
  });
});

describe('quorumChange', () => {
  test('a plan shows voters and quorum before and after', () => {
    assert.deepEqual(quorumChange(3, 5), { before: 3, after: 5, quorumBefore: 2, quorumAfter: 3 });
    assert.deepEqual(quorumChange(0, 3), { before: 0, after: 3, quorumBefore: 0, quorumAfter: 2 });
    assert.deepEqual(quorumChange(3, 0), { before: 3, after: 0, quorumBefore: 2, quorumAfter: 0 });
  });
});
