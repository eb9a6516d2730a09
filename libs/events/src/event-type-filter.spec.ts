import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { eventPasses, isEventTypePattern, likePrefix, matchesEventType } from './event-type-filter';

describe('event type patterns', () => {
  test('exact types, prefixes ending in a dot, and * are valid; anything else is not', () => {
    for (const ok of ['*', 'cluster.ready', 'cluster.', 'operation.step_started', 'operation', 'node.up']) assert.ok(isEventTypePattern(ok), ok);
    for (const bad of ['', 'cluster.*', 'Cluster.ready', '.ready', 'cluster..ready', 'a b', 'cluster%', `${'a'.repeat(101)}`]) assert.ok(!isEventTypePattern(bad), bad);
  });

  test('a prefix matches only types under it; an exact type only itself', () => {
    assert.ok(matchesEventType(['cluster.'], 'cluster.ready'));
    assert.ok(!matchesEventType(['cluster.'], 'clusterx.ready'));
    assert.ok(!matchesEventType(['cluster'], 'cluster.ready'), 'without the dot it is an exact type');
    assert.ok(matchesEventType(['node.up', 'operation.'], 'operation.failed'));
    assert.ok(matchesEventType(['*'], 'anything.at.all'));
    assert.ok(!matchesEventType([], 'cluster.ready'));
  });

  test('filters combine cluster, operation and types', () => {
    const event = { type: 'operation.succeeded', clusterId: 'cl_1', operationId: 'op_1' };
    assert.ok(eventPasses({}, event));
    assert.ok(eventPasses({ clusterId: 'cl_1', types: ['operation.'] }, event));
    assert.ok(!eventPasses({ clusterId: 'cl_2' }, event));
    assert.ok(!eventPasses({ operationId: 'op_2' }, event));
    assert.ok(!eventPasses({ types: ['cluster.'] }, event));
  });

  test('LIKE prefixes escape the wildcards of a type name', () => {
    assert.equal(likePrefix('operation.step_'), 'operation.step\\_%');
  });
});
