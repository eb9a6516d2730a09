import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChannelLimiter } from './channel-limiter';

describe('ChannelLimiter', () => {
  test('grants up to the limit, then queues in arrival order', async () => {
    const limiter = new ChannelLimiter(2);
    const first = await limiter.acquire();
    await limiter.acquire();
    const order: number[] = [];
    const third = limiter.acquire().then((release) => (order.push(3), release));
    const fourth = limiter.acquire().then((release) => (order.push(4), release));
    assert.equal(limiter.active, 2);
    assert.equal(limiter.waiting, 2);
    first();
    first(); // releasing twice frees one slot only
    const releaseThird = await third;
    assert.deepEqual(order, [3]);
    assert.equal(limiter.waiting, 1);
    releaseThird();
    (await fourth)();
    assert.deepEqual(order, [3, 4]);
    assert.equal(limiter.active, 1);
  });

  test('an abort while waiting leaves the queue and rejects with the reason', async () => {
    const limiter = new ChannelLimiter(1);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await assert.rejects(waiting, (error) => error === reason);
    assert.equal(limiter.waiting, 0);
    release();
    assert.equal(limiter.active, 0);
    await assert.rejects(limiter.acquire(AbortSignal.abort(reason)), (error) => error === reason);
  });

  test('rejects a limit below one', () => {
    assert.throws(() => new ChannelLimiter(0), RangeError);
    assert.throws(() => new ChannelLimiter(1.5), RangeError);
  });
});
