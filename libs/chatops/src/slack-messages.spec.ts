import type { OperationEntity } from '@galera-cp/database';
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { approvalMessage, escapeMrkdwn, outcomeMessage } from './slack-messages';

function operation(fields: Partial<OperationEntity>): OperationEntity {
  return { id: 'op_1', type: 'cluster.scale', state: 'SUCCEEDED', result: null, error: null, plan: null, approvedAt: null, approvedBy: null, ...fields } as OperationEntity;
}

describe('Slack messages', () => {
  test('text from elsewhere is escaped for mrkdwn', () => {
    assert.equal(escapeMrkdwn('<!channel> & <@U1>'), '&lt;!channel&gt; &amp; &lt;@U1&gt;');
  });

  test('an outcome says the state, the result in a line, and carries the result', () => {
    const scaled = outcomeMessage(operation({ result: { fromReplicas: 3, toReplicas: 5, addedNodes: ['o-3', 'o-4'], removedNodes: [] } }), 'orders');
    assert.equal(scaled.response_type, 'in_channel');
    assert.equal(scaled.text, ':white_check_mark: cluster.scale of *orders* SUCCEEDED (`op_1`). 3 → 5 members; added o-3, o-4.');
    assert.match(JSON.stringify(scaled.blocks), /toReplicas/);
    const failed = outcomeMessage(operation({ state: 'FAILED', error: { code: 'SSH_AUTH_FAILED', detail: 'host <10.0.0.1> refused the key' } }), 'orders');
    assert.equal(failed.text, ':x: cluster.scale of *orders* FAILED (`op_1`). SSH_AUTH_FAILED: host &lt;10.0.0.1&gt; refused the key');
  });

  test('an approval message lists the steps and the evidence and says how to approve', () => {
    const message = approvalMessage(
      operation({
        type: 'cluster.recover',
        state: 'RUNNING',
        plan: {
          summary: 'Recover from db-1',
          details: {
            bootstrapNode: 'db-1',
            evidence: [
              { node: 'db-1', reachable: true, seqno: 42, safeToBootstrap: true, eligible: true, reason: '' },
              { node: 'db-2', reachable: false, seqno: null, safeToBootstrap: null, eligible: false, reason: 'unreachable' },
            ],
          },
        },
      }),
      [{ title: 'Bootstrap db-1' }, { title: 'Join db-2' }],
      'crashy',
      '/galera',
    );
    const text = JSON.stringify(message.blocks);
    assert.match(message.text, /cluster\.recover of \*crashy\* \(`op_1`\) waits for approval/);
    assert.match(text, /1\. Bootstrap db-1\\n2\. Join db-2/);
    assert.match(text, /`db-1`: seqno 42, safe_to_bootstrap/);
    assert.match(text, /`db-2`: unreachable \(not eligible: unreachable\)/);
    assert.match(text, /`\/galera approve op_1`/);
  });
});
