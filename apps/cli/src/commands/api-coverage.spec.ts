import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../cli';
import { clusterFixture, fakeApi, FakeRoute, memoryIo, operationFixture, RecordedRequest } from '../testing/fake-api';

const AT = '2025-01-01T11:00:00.000Z';
const ORDERS = clusterFixture({ id: 'cl_02orders', name: 'orders', labels: { team: 'payments', tier: 'gold' } });
const NODE = {
  id: 'nd_01orders3',
  clusterId: 'cl_02orders',
  name: 'orders-3',
  ordinal: 3,
  address: '10.0.0.14',
  role: 'member',
  phase: 'Member',
  wsrepState: 'Synced',
  healthy: true,
  seqno: 42,
  observed: {},
  lastSeenAt: AT,
  createdAt: AT,
  updatedAt: AT,
};
const CREDENTIAL = { id: 'cr_01opskey', name: 'ops-key', kind: 'ssh-private-key', metadata: {}, createdBy: 'tk_1', createdAt: AT };
const TOKEN = { id: 'tk_01ci', name: 'ci', role: 'viewer', prefix: 'gcp_ab', createdBy: 'tk_1', createdAt: AT, expiresAt: null, revokedAt: null, lastUsedAt: null };
const WEBHOOK = { id: 'wh_01portal', url: 'https://portal.test/hooks', events: ['operation.'], clusterId: null, description: null, enabled: true, createdBy: 'tk_1', createdAt: AT, updatedAt: AT };
const DELIVERY = {
  id: 'dl_01',
  webhookId: 'wh_01portal',
  eventId: null,
  eventType: 'webhook.ping',
  state: 'SUCCEEDED',
  attempts: 1,
  maxAttempts: 8,
  lastStatusCode: 204,
  lastError: null,
  durationMs: 12,
  nextAttemptAt: null,
  lastAttemptAt: AT,
  deliveredAt: AT,
  createdAt: AT,
};
const EVENT = { id: 7, at: AT, type: 'cluster.ready', clusterId: 'cl_02orders', operationId: null, data: { message: 'orders is ready' } };
const AUDIT = {
  id: 1,
  at: AT,
  actor: 'tk_1',
  actorName: 'admin',
  action: 'cluster.scale',
  targetType: 'cluster',
  targetId: 'cl_02orders',
  outcome: 'succeeded',
  statusCode: 202,
  requestId: 'req_1',
  detail: {},
};

function sse(text: string): Response {
  return new Response(text, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

/** Every route of the API, answering plausible bodies. `signal` is aborted when a stream is reopened (the events stream never ends by itself). */
function wholeApi(controller: AbortController) {
  const page = (items: unknown[]) => ({ status: 200, body: { items, nextPageToken: null } });
  const op = () => ({ status: 202, body: operationFixture({ id: 'op_01x', clusterId: ORDERS.id }) });
  const routes: Record<string, FakeRoute> = {
    'GET /v1/clusters': () => page([ORDERS]),
    'POST /v1/clusters': op,
    'GET /v1/clusters/:id': () => ({ status: 200, body: ORDERS, headers: { etag: '"1"' } }),
    'PATCH /v1/clusters/:id': () => ({ status: 200, body: ORDERS }),
    'DELETE /v1/clusters/:id': op,
    'GET /v1/clusters/:id/nodes': () => ({ status: 200, body: { items: [NODE] } }),
    'GET /v1/clusters/:id/nodes/:nodeId': () => ({ status: 200, body: NODE }),
    'DELETE /v1/clusters/:id/nodes/:nodeId': op,
    'POST /v1/clusters/:id/:verb': op,
    'GET /v1/operations': () => page([operationFixture({ clusterId: ORDERS.id })]),
    'GET /v1/operations/:id': () => ({ status: 200, body: operationFixture({ id: 'op_01x', state: 'SUCCEEDED', progress: 100 }) }),
    'GET /v1/operations/:id/logs': () => page([]),
    'GET /v1/operations/:id/events': () => sse('id: e1\nevent: operation.succeeded\ndata: {}\n\n'),
    'POST /v1/operations/:id/retry': op,
    'POST /v1/operations/:id/:verb': () => ({ status: 200, body: operationFixture({ id: 'op_01x' }) }),
    'GET /v1/events': () => page([EVENT]),
    'GET /v1/events/stream': () => {
      controller.abort(new Error('interrupted'));
      return sse(`id: 7\nevent: cluster.ready\ndata: ${JSON.stringify(EVENT)}\n\n`);
    },
    'GET /v1/webhooks': () => page([WEBHOOK]),
    'POST /v1/webhooks': () => ({ status: 201, body: { ...WEBHOOK, secret: 'whsec_abc' } }),
    'GET /v1/webhooks/:id': () => ({ status: 200, body: WEBHOOK }),
    'PATCH /v1/webhooks/:id': () => ({ status: 200, body: WEBHOOK }),
    'DELETE /v1/webhooks/:id': () => new Response(null, { status: 204 }),
    'GET /v1/webhooks/:id/deliveries': () => page([DELIVERY]),
    'POST /v1/webhooks/:id/test': () => ({ status: 200, body: DELIVERY }),
    'GET /v1/credentials': () => page([CREDENTIAL]),
    'POST /v1/credentials': () => ({ status: 201, body: CREDENTIAL }),
    'GET /v1/credentials/:id': () => ({ status: 200, body: CREDENTIAL }),
    'DELETE /v1/credentials/:id': () => new Response(null, { status: 204 }),
    'GET /v1/tokens': () => ({ status: 200, body: { items: [TOKEN] } }),
    'POST /v1/tokens': () => ({ status: 201, body: { ...TOKEN, token: 'gcp_secret' } }),
    'GET /v1/tokens/:id': () => ({ status: 200, body: TOKEN }),
    'DELETE /v1/tokens/:id': () => ({ status: 200, body: TOKEN }),
    'GET /v1/audit': () => page([AUDIT]),
  };
  return fakeApi(routes);
}

/** A command line, and the API operation (`METHOD /template`) it must call. */
const COMMANDS: [string[], string][] = [
  [['clusters', 'list'], 'GET /v1/clusters'],
  [['clusters', 'get', 'cl_02orders'], 'GET /v1/clusters/{id}'],
  [['clusters', 'create', '-f', '-', '--dry-run'], 'POST /v1/clusters'],
  [['clusters', 'update', 'orders', '--label', 'tier=silver', '--no-deletion-protection', '--dry-run'], 'PATCH /v1/clusters/{id}'],
  [['clusters', 'delete', 'orders', '--dry-run'], 'DELETE /v1/clusters/{id}'],
  [['clusters', 'scale', 'orders', '5', '--dry-run'], 'POST /v1/clusters/{id}/scale'],
  [['clusters', 'reconfigure', 'orders', '--set', 'max_connections=800', '--dry-run'], 'POST /v1/clusters/{id}/reconfigure'],
  [['clusters', 'restart', 'orders', '--dry-run'], 'POST /v1/clusters/{id}/restart'],
  [['clusters', 'stop', 'orders', '--dry-run'], 'POST /v1/clusters/{id}/stop'],
  [['clusters', 'start', 'orders', '--dry-run'], 'POST /v1/clusters/{id}/start'],
  [['clusters', 'recover', 'orders', '--dry-run'], 'POST /v1/clusters/{id}/recover'],
  [['nodes', 'list', 'orders'], 'GET /v1/clusters/{id}/nodes'],
  [['nodes', 'get', 'orders', 'orders-3'], 'GET /v1/clusters/{id}/nodes/{nodeId}'],
  [['nodes', 'add', 'orders', '--host', '10.0.0.16', '--host-key-fingerprint', 'SHA256:abc', '--dry-run'], 'POST /v1/clusters/{id}/nodes'],
  [['nodes', 'remove', 'orders', 'orders-3', '--dry-run'], 'DELETE /v1/clusters/{id}/nodes/{nodeId}'],
  [['operations', 'list'], 'GET /v1/operations'],
  [['operations', 'get', 'op_01x'], 'GET /v1/operations/{id}'],
  [['operations', 'logs', 'op_01x'], 'GET /v1/operations/{id}/logs'],
  [['operations', 'logs', 'op_01x', '--follow'], 'GET /v1/operations/{id}/events'],
  [['operations', 'cancel', 'op_01x', '--dry-run'], 'POST /v1/operations/{id}/cancel'],
  [['operations', 'approve', 'op_01x', '--dry-run'], 'POST /v1/operations/{id}/approve'],
  [['operations', 'retry', 'op_01x', '--dry-run'], 'POST /v1/operations/{id}/retry'],
  [['events', 'list', '--cluster', 'orders'], 'GET /v1/events'],
  [['events', 'stream', '--type', 'cluster.'], 'GET /v1/events/stream'],
  [['webhooks', 'create', '--endpoint', 'https://portal.test/hooks', '--events', 'operation.', '--dry-run'], 'POST /v1/webhooks'],
  [['webhooks', 'list'], 'GET /v1/webhooks'],
  [['webhooks', 'get', 'wh_01portal'], 'GET /v1/webhooks/{id}'],
  [['webhooks', 'update', 'wh_01portal', '--disable', '--dry-run'], 'PATCH /v1/webhooks/{id}'],
  [['webhooks', 'delete', 'wh_01portal', '--dry-run'], 'DELETE /v1/webhooks/{id}'],
  [['webhooks', 'deliveries', 'wh_01portal', '--state', 'FAILED'], 'GET /v1/webhooks/{id}/deliveries'],
  [['webhooks', 'test', 'wh_01portal', '--dry-run'], 'POST /v1/webhooks/{id}/test'],
  [['credentials', 'list'], 'GET /v1/credentials'],
  [['credentials', 'get', 'cr_01opskey'], 'GET /v1/credentials/{id}'],
  [['credentials', 'create', '--name', 'pw', '--kind', 'ssh-password', '--password-stdin', '--dry-run'], 'POST /v1/credentials'],
  [['credentials', 'delete', 'ops-key', '--dry-run'], 'DELETE /v1/credentials/{id}'],
  [['tokens', 'list'], 'GET /v1/tokens'],
  [['tokens', 'get', 'tk_01ci'], 'GET /v1/tokens/{id}'],
  [['tokens', 'create', '--name', 'ci', '--role', 'viewer', '--dry-run'], 'POST /v1/tokens'],
  [['tokens', 'revoke', 'tk_01ci', '--dry-run'], 'DELETE /v1/tokens/{id}'],
  [['audit', 'list', '--action', 'cluster.scale'], 'GET /v1/audit'],
];

/** API operations with no command of their own, and why. */
const NOT_COMMANDS: Record<string, string> = {
  'GET /healthz': 'a probe for load balancers and orchestrators',
  'GET /readyz': 'a probe for load balancers and orchestrators',
  'POST /v1/chat/slack/commands': "Slack's slash-command callback",
  'GET /v1/clusters/{id}/operations': 'operations list --cluster (GET /v1/operations?clusterId=, which also filters by type and state)',
  'GET /v1/clusters/{id}/events': 'events list --cluster (GET /v1/events?clusterId=)',
  'POST /v1/backup-stores': 'not yet in galeractl: the backups commands (stores, backups, schedules, restores) land together with issue 11; the SDK and REST cover it meanwhile',
  'GET /v1/backup-stores': 'not yet in galeractl: the backups commands (stores, backups, schedules, restores) land together with issue 11; the SDK and REST cover it meanwhile',
  'GET /v1/backup-stores/{id}': 'not yet in galeractl: the backups commands (stores, backups, schedules, restores) land together with issue 11; the SDK and REST cover it meanwhile',
  'DELETE /v1/backup-stores/{id}': 'not yet in galeractl: the backups commands (stores, backups, schedules, restores) land together with issue 11; the SDK and REST cover it meanwhile',
  'POST /v1/backup-stores/{id}/check': 'not yet in galeractl: the backups commands (stores, backups, schedules, restores) land together with issue 11; the SDK and REST cover it meanwhile',
};

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
}

const openapi = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'openapi', 'openapi.json'), 'utf8')) as OpenApi;
const apiOperations = Object.entries(openapi.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, dryRun: (operation.parameters ?? []).some((p) => p.name === 'dryRun' && p.in === 'query') })),
);

/** Whether a request is a call of `METHOD /template` (`{id}` matches one path segment). */
function calls(request: RecordedRequest, key: string): boolean {
  const [method, template] = key.split(' ');
  return request.method === method && new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(request.path);
}

describe('galeractl covers the API', () => {
  test('every operation of the OpenAPI document has a command (or a documented reason not to)', () => {
    const covered = new Set([...COMMANDS.map(([, key]) => key), ...Object.keys(NOT_COMMANDS)]);
    assert.deepEqual(
      apiOperations.map((o) => o.key).filter((key) => !covered.has(key)),
      [],
      'operations without a command',
    );
    assert.deepEqual(
      [...covered].filter((key) => !apiOperations.some((o) => o.key === key)),
      [],
      'commands for operations the API does not have',
    );
  });

  for (const [argv, key] of COMMANDS) {
    test(`galeractl ${argv.join(' ')} calls ${key}${argv.includes('--dry-run') ? ' with dryRun=true' : ''}, as text and with --json`, async () => {
      for (const json of [false, true]) {
        const controller = new AbortController();
        const fake = wholeApi(controller);
        const stdin = argv.includes('-f') ? 'name: orders\nbackend: ssh\nssh:\n  credentialId: cr_01opskey\n  hosts: [{ address: 10.0.0.11 }]\n' : 'hunter2\n';
        const { io, stdout, stderr } = memoryIo({ fetch: fake.fetch, stdin, signal: controller.signal });
        const code = await runCli(json ? [...argv, '--json'] : argv, io);
        const call = fake.requests.find((request) => calls(request, key));
        assert.ok(call, `${key} was called; requests: ${fake.requests.map((r) => `${r.method} ${r.path}`).join(', ')}; stderr: ${stderr.text}`);
        // The event stream has no end: the test interrupts it (exit 130) once it has been opened.
        assert.equal(code, key === 'GET /v1/events/stream' ? 130 : 0, stderr.text);
        if (argv.includes('--dry-run')) assert.equal(call.query.get('dryRun'), 'true', 'the dry run reaches the API');
        if (!json) continue;
        // One JSON document; a stream (logs --follow, events stream) writes JSON Lines.
        const streams = argv.includes('--follow') || argv.includes('stream');
        for (const document of streams ? stdout.text.split('\n').filter(Boolean) : [stdout.text]) assert.doesNotThrow(() => JSON.parse(document), `stdout is JSON: ${stdout.text}`);
      }
    });
  }

  test('every mutation that takes dryRun has a command that sends it', () => {
    const dryRuns = new Set(COMMANDS.filter(([argv]) => argv.includes('--dry-run')).map(([, key]) => key));
    assert.deepEqual(
      apiOperations.filter((o) => o.dryRun && !NOT_COMMANDS[o.key] && !dryRuns.has(o.key)).map((o) => o.key),
      [],
    );
  });
});
