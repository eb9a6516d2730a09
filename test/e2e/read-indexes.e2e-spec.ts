/**
 * The read path stays index-bound however large the tables grow: the SQL that the product's
 * reads and lists actually send (captured from its own DataSource) is EXPLAINed on a database
 * seeded with enough rows that PostgreSQL prefers a sequential scan whenever no index fits.
 * Every plan must read clusters, nodes, operations and operation_steps through an index.
 */
import { DataSource } from 'typeorm';
import type { Logger as TypeOrmLogger } from 'typeorm';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/test-app';

const BIG_TABLES = new Set(['clusters', 'nodes', 'operations', 'operation_steps']);
const CLUSTERS = 20_000;
const OPERATIONS = 200_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function scans(node: PlanNode, found: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name']) found.push(node);
  for (const child of node.Plans ?? []) scans(child, found);
  return found;
}

let api: TestApp;
let db: Client;
let captured: Array<{ sql: string; parameters: unknown[] }> = [];
let someClusterId = '';

before(async () => {
  api = await startTestApp({ worker: false });
  db = new Client({ connectionString: api.databaseUrl });
  await db.connect();
  const id = (prefix: string, expr: string) => `'${prefix}_00' || lpad((${expr})::text, 24, '0')`;
  // A third of the clusters deleted (they stay in the table); failures and the second backend rare,
  // as they are in practice (a filter on them must not walk the whole primary key).
  await db.query(`INSERT INTO clusters (id, name, backend_kind, spec, status, state, generation, deleted_at)
    SELECT ${id('cl', 'g')}, 'c-' || g, CASE WHEN g % 1000 = 0 THEN 'kubernetes' ELSE 'ssh' END, '{}', '{}',
           CASE WHEN g % 2000 = 0 THEN 'FAILED' ELSE 'READY' END, 1, CASE WHEN g % 3 = 0 THEN now() END
    FROM generate_series(1, ${CLUSTERS}) g`);
  await db.query(`INSERT INTO nodes (id, cluster_id, name, ordinal, address, role, phase, wsrep_state)
    SELECT ${id('nd', 'g * 3 + n')}, ${id('cl', 'g')}, 'n-' || n, n, '10.0.0.' || n, 'member', 'Member', 'Synced'
    FROM generate_series(1, ${CLUSTERS}) g, generate_series(0, 2) n`);
  await db.query(`INSERT INTO operations (id, cluster_id, type, state, params, requested_by)
    SELECT ${id('op', 'g')}, ${id('cl', `1 + g % ${CLUSTERS}`)}, CASE WHEN g % 10000 = 0 THEN 'cluster.restart' ELSE 'cluster.scale' END,
           CASE WHEN g % 20000 = 0 THEN 'FAILED' ELSE 'SUCCEEDED' END, '{}', 'tk_test'
    FROM generate_series(1, ${OPERATIONS}) g`);
  await db.query(`INSERT INTO operation_steps (operation_id, index, key, action, title, params, state, max_attempts, timeout_seconds)
    SELECT ${id('op', 'g')}, 0, 'only', 'noop', 'Only step', '{}', 'SUCCEEDED', 1, 60 FROM generate_series(1, ${OPERATIONS}) g`);
  await db.query('ANALYZE');
  someClusterId = (await db.query<{ id: string }>(`SELECT ${id('cl', String(CLUSTERS / 2 + 1))} AS id`)).rows[0].id;
  // Every query the app sends from now on is kept, with its parameters.
  const dataSource = api.app.get(DataSource);
  const logger: TypeOrmLogger = {
    logQuery: (sql, parameters) => void captured.push({ sql, parameters: Array.isArray(parameters) ? parameters : [] }),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  Object.assign(dataSource, { logger });
});

after(async () => {
  await db?.end();
  await api?.close();
});

/** Calls `path` and EXPLAINs every SELECT it sent on a big table; answers the plans' scans per query. */
async function plansOf(path: string): Promise<Array<{ sql: string; scans: PlanNode[] }>> {
  captured = [];
  const answer = await api.call('GET', path);
  assert.equal(answer.status, 200, `${path}: ${JSON.stringify(answer.body)}`);
  const selects = captured.filter((q) => /^\s*SELECT/i.test(q.sql) && [...BIG_TABLES].some((t) => new RegExp(`\\b"?${t}"?\\b`).test(q.sql)));
  assert.ok(selects.length > 0, `${path} sent no SELECT on ${[...BIG_TABLES].join(', ')}`);
  const plans = [];
  for (const q of selects) {
    const { rows } = await db.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${q.sql}`, q.parameters);
    plans.push({ sql: q.sql, scans: scans(rows[0]['QUERY PLAN'][0].Plan) });
  }
  return plans;
}

async function assertIndexBound(path: string): Promise<void> {
  for (const plan of await plansOf(path)) {
    const big = plan.scans.filter((s) => BIG_TABLES.has(s['Relation Name'] ?? ''));
    const sequential = big.filter((s) => s['Node Type'] === 'Seq Scan');
    assert.deepEqual(
      sequential.map((s) => s['Relation Name']),
      [],
      `${path}: a sequential scan in\n${plan.sql}\n${JSON.stringify(plan.scans.map((s) => [s['Node Type'], s['Relation Name'], s['Index Name']]))}`,
    );
    // A Bitmap Heap Scan reads the rows a Bitmap Index Scan (its child) found.
    assert.ok(
      big.every((s) => /Index|Bitmap Heap/.test(s['Node Type'])),
      `${path}: not through an index: ${JSON.stringify(big.map((s) => s['Node Type']))}`,
    );
  }
}

test('GET /v1/clusters/{id} and its nodes read one cluster through the primary key', async () => {
  await assertIndexBound(`/v1/clusters/${someClusterId}`);
  await assertIndexBound(`/v1/clusters/${someClusterId}/nodes`);
});

test('the cluster list, its next pages and its filters read about a page of rows through an index', async () => {
  await assertIndexBound('/v1/clusters?pageSize=20');
  const first = await api.call('GET', '/v1/clusters?pageSize=20');
  assert.equal(first.body.items.length, 20);
  assert.ok(first.body.nextPageToken);
  await assertIndexBound(`/v1/clusters?pageSize=20&pageToken=${first.body.nextPageToken}`);
  await assertIndexBound('/v1/clusters?pageSize=20&state=FAILED');
  await assertIndexBound('/v1/clusters?pageSize=20&backend=kubernetes');
  await assertIndexBound('/v1/clusters?name=c-101');
});

test('the operation lists (all, by state, type or cluster, next pages) and their steps read through an index', async () => {
  await assertIndexBound('/v1/operations?pageSize=20');
  const first = await api.call('GET', '/v1/operations?pageSize=20');
  assert.equal(first.body.items.length, 20);
  await assertIndexBound(`/v1/operations?pageSize=20&pageToken=${first.body.nextPageToken}`);
  await assertIndexBound('/v1/operations?pageSize=20&state=FAILED');
  await assertIndexBound('/v1/operations?pageSize=20&type=cluster.restart');
  await assertIndexBound(`/v1/operations?pageSize=20&clusterId=${someClusterId}`);
  await assertIndexBound(`/v1/clusters/${someClusterId}/operations?pageSize=20`);
});
