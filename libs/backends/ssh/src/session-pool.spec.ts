import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SessionPool, type PoolableSession } from './session-pool';

class FakeSession implements PoolableSession {
  static opened = 0;
  isOpen = true;
  closed = 0;
  constructor(readonly name: string) {
    FakeSession.opened += 1;
  }
  async close(): Promise<void> {
    this.isOpen = false;
    this.closed += 1;
  }
}

const key = (scope: string, endpoint = '10.0.0.1:22', identity = 'root@abc') => ({ scope, endpoint, identity });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SessionPool', () => {
  test('one session per (operation, host, identity), reused across steps', async () => {
    const pool = new SessionPool<FakeSession>({ maxSessions: 8, idleTimeoutMs: 1000 });
    const a = await pool.acquire(key('op_1'), async () => new FakeSession('a'));
    a.release();
    const again = await pool.acquire(key('op_1'), async () => new FakeSession('b'));
    assert.equal(again.session, a.session);
    assert.equal(again.opened, false);
    const otherOperation = await pool.acquire(key('op_2'), async () => new FakeSession('c'));
    const otherCredential = await pool.acquire(key('op_1', '10.0.0.1:22', 'root@other'), async () => new FakeSession('d'));
    assert.notEqual(otherOperation.session, a.session);
    assert.notEqual(otherCredential.session, a.session);
    assert.equal(pool.size, 3);
    await pool.closeAll();
    assert.equal(pool.size, 0);
    assert.equal(a.session.isOpen, false);
  });

  test('concurrent acquires of one key open one session', async () => {
    const pool = new SessionPool<FakeSession>({ maxSessions: 8, idleTimeoutMs: 1000 });
    let opens = 0;
    const open = async () => {
      opens += 1;
      await sleep(20);
      return new FakeSession('x');
    };
    const [x, y] = await Promise.all([pool.acquire(key('op'), open), pool.acquire(key('op'), open)]);
    assert.equal(opens, 1);
    assert.equal(x.session, y.session);
    await pool.closeAll();
  });

  test('an idle session is closed after the idle timeout; a leased one is not', async () => {
    const pool = new SessionPool<FakeSession>({ maxSessions: 8, idleTimeoutMs: 30 });
    const idle = await pool.acquire(key('op', 'h1:22'), async () => new FakeSession('idle'));
    const busy = await pool.acquire(key('op', 'h2:22'), async () => new FakeSession('busy'));
    idle.release();
    await sleep(80);
    assert.equal(idle.session.isOpen, false);
    assert.equal(busy.session.isOpen, true);
    assert.equal(pool.size, 1);
    busy.release();
    await pool.closeAll();
  });

  test('a closed (lost) session is replaced on the next acquire', async () => {
    const pool = new SessionPool<FakeSession>({ maxSessions: 8, idleTimeoutMs: 1000 });
    const first = await pool.acquire(key('op'), async () => new FakeSession('1'));
    first.release();
    first.session.isOpen = false;
    const second = await pool.acquire(key('op'), async () => new FakeSession('2'));
    assert.notEqual(second.session, first.session);
    assert.equal(second.opened, true);
    await pool.closeAll();
  });

  test('bounded: when full, the least recently used idle session is closed; with none idle, callers wait', async () => {
    const pool = new SessionPool<FakeSession>({ maxSessions: 2, idleTimeoutMs: 10_000 });
    const a = await pool.acquire(key('op', 'a:22'), async () => new FakeSession('a'));
    const b = await pool.acquire(key('op', 'b:22'), async () => new FakeSession('b'));
    a.release();
    const c = await pool.acquire(key('op', 'c:22'), async () => new FakeSession('c'));
    assert.equal(a.session.isOpen, false, 'the idle one made room');
    assert.equal(pool.size, 2);
    let gotD = false;
    const d = pool
      .acquire(key('op', 'd:22'), async () => new FakeSession('d'))
      .then((lease) => {
        gotD = true;
        return lease;
      });
    await sleep(20);
    assert.equal(gotD, false, 'waits while every session is leased');
    b.release();
    const leaseD = await d;
    assert.equal(leaseD.session.name, 'd');
    assert.ok(pool.size <= 2);
    c.release();
    leaseD.release();
    const aborted = new AbortController();
    const e = await pool.acquire(key('op', 'e:22'), async () => new FakeSession('e'));
    const f = await pool.acquire(key('op', 'f:22'), async () => new FakeSession('f'));
    const waiting = pool.acquire(key('op', 'g:22'), async () => new FakeSession('g'), { signal: aborted.signal });
    aborted.abort(new Error('step cancelled'));
    await assert.rejects(waiting, /step cancelled/);
    e.release();
    f.release();
    await pool.closeAll();
  });

  test('a plan session is adopted by the operation instead of opening another', async () => {
    const pool = new SessionPool<FakeSession>({ maxSessions: 8, idleTimeoutMs: 1000 });
    const plan = await pool.acquire(key('plan:cl_1'), async () => new FakeSession('plan'));
    plan.release();
    const step = await pool.acquire(key('op_1'), async () => new FakeSession('step'), { adoptFrom: ['plan:cl_1'] });
    assert.equal(step.session, plan.session);
    assert.deepEqual(
      pool.keys().map((k) => k.scope),
      ['op_1'],
    );
    await pool.closeAll();
  });

  test('a failed open is reported and forgotten; closeScope closes one operation only; discard drops a session', async () => {
    const pool = new SessionPool<FakeSession>({ maxSessions: 8, idleTimeoutMs: 1000 });
    await assert.rejects(
      pool.acquire(key('op'), async () => {
        throw new Error('unreachable');
      }),
      /unreachable/,
    );
    assert.equal(pool.size, 0);
    const one = await pool.acquire(key('op_1'), async () => new FakeSession('1'));
    const two = await pool.acquire(key('op_2'), async () => new FakeSession('2'));
    one.release();
    await pool.closeScope('op_1');
    assert.equal(one.session.isOpen, false);
    assert.equal(two.session.isOpen, true);
    await two.discard();
    assert.equal(two.session.isOpen, false);
    assert.equal(pool.size, 0);
  });
});
