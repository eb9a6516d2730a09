import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseChatCommand } from './chat-command';

describe('parseChatCommand', () => {
  test('reads every command', () => {
    assert.deepEqual(parseChatCommand(''), { verb: 'help' });
    assert.deepEqual(parseChatCommand('  help '), { verb: 'help' });
    assert.deepEqual(parseChatCommand('status orders'), { verb: 'status', cluster: 'orders' });
    assert.deepEqual(parseChatCommand('scale orders 5'), { verb: 'scale', cluster: 'orders', replicas: 5, force: false });
    assert.deepEqual(parseChatCommand('SCALE orders  4 force'), { verb: 'scale', cluster: 'orders', replicas: 4, force: true });
    assert.deepEqual(parseChatCommand('confirm k7q2px'), { verb: 'confirm', code: 'K7Q2PX' });
    assert.deepEqual(parseChatCommand('recover cl_01jd3xyzabcdefghjkmnpqrstv'), { verb: 'recover', cluster: 'cl_01jd3xyzabcdefghjkmnpqrstv' });
    assert.deepEqual(parseChatCommand('approve op_01jd3xyzabcdefghjkmnpqrstv'), { verb: 'approve', operationId: 'op_01jd3xyzabcdefghjkmnpqrstv' });
  });

  test('anything else says what to type', () => {
    for (const text of ['scale orders', 'scale orders five', 'scale orders 5 now', 'scale orders 100', 'status', 'status a b', 'approve 12', 'confirm', 'confirm !!', 'drop orders', 'status ../etc']) {
      const parsed = parseChatCommand(text);
      assert.equal(parsed.verb, 'invalid', text);
    }
    assert.deepEqual(parseChatCommand('drop orders'), { verb: 'invalid', problem: 'unknown command `drop`' });
  });
});
