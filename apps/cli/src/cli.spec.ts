import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from './cli';
import { clusterFixture, fakeApi, FakeRoute, memoryIo, operationFixture, problem, stepFixture } from './testing/fake-api';

const TOKEN = 'gcp_secret_token_value';
const PLAN = {
  dryRun: true,
  operationType: 'cluster.scale',
  summary: 'From 3 to 5 members',
  steps: [{ key: 'join:orders-3', title: 'Join orders-3', node: 'orders-3' }],
  details: { warnings: [] },
  requiresApproval: false,
};

/** The API of these tests: two clusters on two pages (filtered by name when asked), and whatever routes a test adds. */
function api(extra: Record<string, FakeRoute> = {}) {
  const billing = clusterFixture({ id: 'cl_01billing', name: 'billing' });
  const orders = clusterFixture({ id: 'cl_02orders', name: 'orders' });
  return fakeApi({
    'GET /v1/clusters': (r) => {
      const name = r.query.get('name');
      if (name) return { status: 200, body: { items: [billing, orders].filter((c) => c.name === name), nextPageToken: null } };
      return r.query.get('pageToken') === 'p2' ? { status: 200, body: { items: [orders], nextPageToken: null } } : { status: 200, body: { items: [billing], nextPageToken: 'p2' } };
    },
    'POST /v1/clusters/:id/scale': (r) => (r.query.get('dryRun') === 'true' ? { status: 200, body: PLAN } : { status: 202, body: operationFixture({ id: 'op_01scale', clusterId: 'cl_02orders' }) }),
    'POST /v1/clusters/:id/recover': () => ({ status: 202, body: operationFixture({ id: 'op_01rec', type: 'cluster.recover' }) }),
    'DELETE /v1/clusters/:id': () => ({ status: 202, body: operationFixture({ id: 'op_01del', type: 'cluster.delete' }) }),
    ...extra,
  });
}

async function run(argv: string[], options: Parameters<typeof memoryIo>[0] = {}) {
  const { io, stdout, stderr } = memoryIo(options);
  const code = await runCli(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe('argument parsing', () => {
  test('scale resolves the name, sends the body and query, and prints the plan as one JSON document', async () => {
    const fake = api();
    const result = await run(['clusters', 'scale', 'orders', '5', '--dry-run', '--json'], { fetch: fake.fetch });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { ...PLAN, steps: PLAN.steps.map((step) => ({ ...step, number: 1 })) }, 'the plan as the API answered it, each step with its number');
    const post = fake.requests.at(-1);
    assert.equal(`${post?.method} ${post?.path}?${post?.query}`, 'POST /v1/clusters/cl_02orders/scale?dryRun=true');
    assert.deepEqual(post?.body, { replicas: 5 });
    assert.equal(post?.headers.get('authorization'), `Bearer ${TOKEN}`);
    assert.match(post?.headers.get('idempotency-key') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('global options work after the subcommand; --force and --idempotency-key reach the request', async () => {
    const fake = api();
    const result = await run(['clusters', 'scale', 'cl_02orders', '4', '--force', '--idempotency-key', 'scale-orders-4', '--json', '--url', 'http://other.test', '--token', 'gcp_flag'], {
      fetch: fake.fetch,
    });
    assert.equal(result.code, 0, result.stderr);
    const post = fake.requests.at(-1);
    assert.equal(fake.requests.length, 1, 'an id needs no look-up');
    assert.ok(post?.headers.get('authorization') === 'Bearer gcp_flag');
    assert.equal(new URL(`http://other.test${post?.path}`).host, 'other.test');
    assert.deepEqual(post?.body, { replicas: 4, force: true });
    assert.equal(post?.headers.get('idempotency-key'), 'scale-orders-4');
    assert.equal(JSON.parse(result.stdout).id, 'op_01scale');
  });

  test('recover takes --approve and a repeatable comma-separated --accept-missing', async () => {
    const fake = api();
    const result = await run(['clusters', 'recover', 'orders', '--approve', '--accept-missing', 'orders-1,orders-2', '--accept-missing', 'orders-4'], { fetch: fake.fetch });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fake.requests.at(-1)?.body, { approve: true, acceptMissing: ['orders-1', 'orders-2', 'orders-4'] });
    assert.match(result.stdout, /Started cluster\.recover op_01rec/);
  });

  test('delete --purge sends purge=true', async () => {
    const fake = api();
    assert.equal((await run(['clusters', 'delete', 'billing', '--purge'], { fetch: fake.fetch })).code, 0);
    assert.equal(`${fake.requests.at(-1)?.method} ${fake.requests.at(-1)?.path}?${fake.requests.at(-1)?.query}`, 'DELETE /v1/clusters/cl_01billing?purge=true');
  });

  test('bad flags and arguments exit 2 and send nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'galeractl-cli-'));
    try {
      const cases = [
        ['clusters', 'list', '--bogus'],
        ['clusters', 'scale', 'orders', 'five'],
        ['clusters', 'scale', 'orders', '0'],
        ['clusters', 'scale', 'orders', '65'],
        ['clusters', 'scale', 'orders'],
        ['clusters', 'explode'],
        ['clusters'],
        ['clusters', 'list', '--state', 'HAPPY'],
        ['clusters', 'restart', 'orders', '--wait', '--timeout', 'soon'],
        ['clusters', 'create'],
        ['clusters', 'create', '-f', join(dir, 'missing.yaml')],
        ['operations', 'list', '--type', 'cluster.explode'],
        ['credentials', 'create', '--name', 'x', '--kind', 'ssh-password'],
        ['credentials', 'create', '--name', 'x', '--kind', 'ssh-private-key'],
        ['credentials', 'create', '--name', 'x', '--kind', 'kubeconfig', '--kubeconfig-file', join(dir, 'none')],
        ['credentials', 'create', '--name', 'x', '--kind', 'ssh-password', '--password-stdin', '--private-key-file', 'k'],
        ['credentials', 'create', '--name', 'x', '--kind', 'telepathy'],
        ['clusters', 'list', '--url', 'ftp://nowhere'],
        ['clusters', 'list', '--profile', 'absent'],
      ];
      for (const argv of cases) {
        const fake = api();
        const result = await run(argv, { fetch: fake.fetch });
        assert.equal(result.code, 2, `${argv.join(' ')}: ${result.stderr}`);
        assert.ok(result.stderr.length > 0, `${argv.join(' ')} says why`);
        assert.equal(result.stdout, '', `${argv.join(' ')} prints nothing on stdout`);
        assert.equal(fake.requests.length, 0, `${argv.join(' ')} sent nothing`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--help and --version exit 0 on stdout', async () => {
    const help = await run(['clusters', 'scale', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: galeractl clusters scale \[options\] <cluster> <replicas>/);
    assert.match(help.stdout, /--json/, 'global options are listed too');
    const version = await run(['--version']);
    const packaged = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual([version.code, version.stdout.trim()], [0, packaged.version], 'VERSION follows apps/cli/package.json');
  });
});

describe('output and errors', () => {
  test('a list is a table for people and a JSON array for scripts', async () => {
    const table = await run(['clusters', 'list'], { fetch: api().fetch });
    assert.equal(table.code, 0);
    assert.match(table.stdout, /^NAME +ID +BACKEND +STATE +HEALTHY +OPERATION +AGE\nbilling +cl_01billing +ssh +READY +3\/3 +- +60s\norders /);
    const json = await run(['clusters', 'list', '--json'], { fetch: api().fetch });
    assert.deepEqual(
      JSON.parse(json.stdout).map((c: { name: string }) => c.name),
      ['billing', 'orders'],
    );
  });

  test('a refusal prints the problem on stderr (text, or JSON with --json) and exits 3', async () => {
    const refuse = () => api({ 'POST /v1/clusters/:id/scale': () => problem(409, 'OPERATION_IN_PROGRESS', 'Operation op_9 is still running', { activeOperationId: 'op_9' }) }).fetch;
    const text = await run(['clusters', 'scale', 'orders', '5'], { fetch: refuse() });
    assert.equal(text.code, 3);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /^galeractl: error: 409 OPERATION_IN_PROGRESS: Operation op_9 is still running\n {2}active operation: op_9 .*\n {2}request id: req_test\n$/);
    const json = await run(['clusters', 'scale', 'orders', '5', '--json'], { fetch: refuse() });
    assert.equal(json.code, 3);
    assert.equal(json.stdout, '');
    assert.deepEqual(JSON.parse(json.stderr), {
      status: 409,
      code: 'OPERATION_IN_PROGRESS',
      title: 'Problem',
      detail: 'Operation op_9 is still running',
      requestId: 'req_test',
      instance: '/',
      activeOperationId: 'op_9',
      exitCode: 3,
    });
  });

  test('a 401 without any configured token says how to configure one', async () => {
    const result = await run(['clusters', 'list'], { env: { GALERA_TOKEN: undefined }, fetch: fakeApi({ 'GET /v1/clusters': () => problem(401, 'UNAUTHENTICATED', 'missing bearer token') }).fetch });
    assert.equal(result.code, 5);
    assert.match(result.stderr, /no token is configured: set GALERA_TOKEN/);
  });

  test('401 and 403 exit 5, an unknown name 4, a 5xx 6', async () => {
    assert.equal((await run(['clusters', 'list'], { fetch: fakeApi({ 'GET /v1/clusters': () => problem(401, 'INVALID_TOKEN', 'unknown token') }).fetch })).code, 5);
    assert.equal((await run(['tokens', 'list'], { fetch: fakeApi({ 'GET /v1/tokens': () => problem(403, 'FORBIDDEN', 'admin only') }).fetch })).code, 5);
    const unknown = await run(['clusters', 'get', 'nope'], { fetch: api().fetch });
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /404 CLUSTER_NOT_FOUND: No cluster is named "nope"/);
    assert.equal((await run(['clusters', 'list'], { fetch: fakeApi({ 'GET /v1/clusters': () => problem(500, 'INTERNAL', 'boom') }).fetch })).code, 6);
  });

  test('--wait follows the operation to its end and exits with its outcome', async () => {
    for (const [final, code] of [
      ['SUCCEEDED', 0],
      ['FAILED', 1],
      ['CANCELLED', 1],
    ] as const) {
      let polls = 0;
      const fake = api({
        'GET /v1/operations/:id': () => {
          polls += 1;
          const done = polls >= 2;
          return {
            status: 200,
            body: operationFixture({ id: 'op_01scale', state: done ? final : 'RUNNING', progress: done ? 100 : 50, steps: [stepFixture(0, 'Join orders-3', done ? 'SUCCEEDED' : 'RUNNING')] }),
          };
        },
      });
      const json = await run(['clusters', 'scale', 'orders', '5', '--wait', '--json'], { fetch: fake.fetch });
      assert.equal(json.code, code, `${final}: ${json.stderr}`);
      assert.equal(JSON.parse(json.stdout).state, final, 'stdout holds only the final operation');
      assert.equal(json.stderr, '', 'no progress on a stderr that is not a terminal');
    }
  });

  test('the human --wait prints plain progress lines when stdout is not a terminal', async () => {
    let polls = 0;
    const fake = api({
      'GET /v1/operations/:id': () => {
        polls += 1;
        return {
          status: 200,
          body: operationFixture({ id: 'op_01scale', state: polls >= 2 ? 'SUCCEEDED' : 'RUNNING', steps: [stepFixture(0, 'Join orders-3', polls >= 2 ? 'SUCCEEDED' : 'RUNNING')] }),
        };
      },
    });
    const result = await run(['clusters', 'scale', 'orders', '5', '--wait'], { fetch: fake.fetch });
    assert.equal(result.code, 0);
    assert.match(
      result.stdout,
      /cluster\.scale op_01scale: RUNNING 0%\ncluster\.scale op_01scale: planned 1 step\n {2}\[1\/1\] RUNNING Join orders-3\n {2}\[1\/1\] SUCCEEDED Join orders-3\n✓ cluster\.scale op_01scale SUCCEEDED/,
    );
    assert.ok(!result.stdout.includes('\x1b'));
  });
});

describe('configuration and secrets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'galeractl-cli-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('set-profile writes the file 0600 and the next command uses it; the token is never printed', async () => {
    const config = join(dir, 'config.yaml');
    const env = { GALERACTL_CONFIG: config, GALERA_URL: undefined, GALERA_TOKEN: undefined };
    const saved = await run(['config', 'set-profile', 'lab', '--url', 'http://lab.test', '--token-stdin'], { env, stdin: 'gcp_from_stdin_secret\n' });
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(statSync(config).mode & 0o777, 0o600);
    assert.match(readFileSync(config, 'utf8'), /currentProfile: lab\nprofiles:\n {2}lab:\n {4}url: http:\/\/lab.test\n {4}token: gcp_from_stdin_secret\n/);

    const fake = api();
    const listed = await run(['clusters', 'list', '--json'], { env, fetch: fake.fetch });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(fake.requests[0].headers.get('authorization'), 'Bearer gcp_from_stdin_secret');

    const viewed = await run(['config', 'view'], { env });
    const viewedJson = await run(['config', 'view', '--json'], { env });
    for (const output of [saved, listed, viewed, viewedJson]) assert.ok(!`${output.stdout}${output.stderr}`.includes('gcp_from_stdin_secret'), 'the token never shows');
    assert.match(viewed.stdout, /\* +lab +http:\/\/lab\.test +\(set\)/);
    assert.deepEqual(JSON.parse(viewedJson.stdout).effective, { url: 'http://lab.test', profile: 'lab', tokenSet: true, sources: { url: 'profile', token: 'profile', profile: 'profile' } });
  });

  test('the environment beats the profile file, and flags beat both', async () => {
    const config = join(dir, 'precedence.yaml');
    writeFileSync(config, 'currentProfile: a\nprofiles:\n  a: { url: "http://file.test", token: gcp_file }\n  b: { url: "http://b.test", token: gcp_b }\n', { mode: 0o600 });
    const seen = async (argv: string[], env: Record<string, string | undefined>) => {
      const fake = api();
      const result = await run([...argv, 'clusters', 'list', '--json'], { env: { GALERACTL_CONFIG: config, GALERA_URL: undefined, GALERA_TOKEN: undefined, ...env }, fetch: fake.fetch });
      assert.equal(result.code, 0, result.stderr);
      return fake.requests[0].headers.get('authorization');
    };
    assert.equal(await seen([], {}), 'Bearer gcp_file');
    assert.equal(await seen([], { GALERACTL_PROFILE: 'b' }), 'Bearer gcp_b');
    assert.equal(await seen([], { GALERACTL_PROFILE: 'b', GALERA_TOKEN: 'gcp_env' }), 'Bearer gcp_env');
    assert.equal(await seen(['--token', 'gcp_flag'], { GALERA_TOKEN: 'gcp_env' }), 'Bearer gcp_flag');
    assert.equal(await seen(['--profile', 'b'], { GALERACTL_PROFILE: 'a' }), 'Bearer gcp_b');
  });

  test('credentials create reads the key from its file and the passphrase from stdin', async () => {
    const keyFile = join(dir, 'id_ed25519');
    writeFileSync(keyFile, '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n');
    const fake = fakeApi({
      'POST /v1/credentials': (r) => ({
        status: 201,
        body: { id: 'cr_01new', name: (r.body as { name: string }).name, kind: 'ssh-private-key', metadata: {}, createdBy: 'tk_1', createdAt: '2025-01-01T00:00:00Z' },
      }),
    });
    const result = await run(['credentials', 'create', '--name', 'ops', '--kind', 'ssh-private-key', '--private-key-file', keyFile, '--passphrase-stdin'], { fetch: fake.fetch, stdin: 'sesame\n' });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(fake.requests[0].body, { name: 'ops', kind: 'ssh-private-key', privateKey: readFileSync(keyFile, 'utf8'), passphrase: 'sesame' });
    assert.ok(!result.stdout.includes('sesame') && !result.stdout.includes('BEGIN'), 'secrets are not echoed');
  });
});

describe('errors say each thing once, and name the flag that overrides a refusal', () => {
  const unsafe = () =>
    api({
      'POST /v1/clusters/:id/scale': () =>
        problem(400, 'CLUSTER_SIZE_UNSAFE', '/force: 4 members is unsafe; use an odd number of voters, 3 or more, or set force to accept the risk', {
          errors: [{ pointer: '/force', detail: '4 members is unsafe; use an odd number of voters, 3 or more, or set force to accept the risk' }],
        }),
    }).fetch;

  test('a refusal whose detail repeats its field errors prints each of them once', async () => {
    const fetch = fakeApi({
      'POST /v1/clusters': () =>
        problem(400, 'VALIDATION_FAILED', '/name: name must be a DNS label; /bogus: bogus is not a known field', {
          errors: [
            { pointer: '/name', detail: 'name must be a DNS label' },
            { pointer: '/bogus', detail: 'bogus is not a known field' },
          ],
        }),
    }).fetch;
    const result = await run(['clusters', 'create', '-f', '-'], { fetch, stdin: 'name: Not_A_Label\nbackend: ssh\nbogus: true\n' });
    assert.equal(result.code, 3);
    assert.equal(result.stderr, 'galeractl: error: 400 VALIDATION_FAILED:\n  /name: name must be a DNS label\n  /bogus: bogus is not a known field\n  request id: req_test\n');
  });

  test('a size that only force allows: the hint names --force, as text and in the JSON report', async () => {
    const text = await run(['clusters', 'scale', 'orders', '4'], { fetch: unsafe() });
    assert.equal(text.code, 3);
    assert.equal(text.stderr.split('4 members is unsafe').length - 1, 1, `the detail once:\n${text.stderr}`);
    assert.match(text.stderr, /\n {2}hint: add --force to accept the unsafe size/);
    const json = await run(['clusters', 'scale', 'orders', '4', '--json'], { fetch: unsafe() });
    assert.match(JSON.parse(json.stderr).hint, /^add --force /);
    const forced = await run(['clusters', 'scale', 'orders', '4', '--force'], { fetch: unsafe() });
    assert.doesNotMatch(forced.stderr, /hint/, 'no hint to add a flag that was given');
  });

  test('node add and remove take --force too, and get the same hint', async () => {
    const refusal = () => problem(400, 'CLUSTER_SIZE_UNSAFE', '/force: 2 members is unsafe', { errors: [{ pointer: '/force', detail: '2 members is unsafe' }] });
    const nodes = { items: [{ id: 'nd_01orders2', name: 'orders-2' }] };
    const fake = api({ 'GET /v1/clusters/:id/nodes': () => ({ status: 200, body: nodes }), 'DELETE /v1/clusters/:id/nodes/:nodeId': refusal, 'POST /v1/clusters/:id/nodes': refusal });
    for (const argv of [
      ['nodes', 'remove', 'orders', 'orders-2'],
      ['nodes', 'add', 'orders'],
    ]) {
      const result = await run(argv, { fetch: fake.fetch });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stderr, /hint: add --force/, argv.join(' '));
    }
    assert.equal(fake.requests.find((r) => r.method === 'DELETE')?.path, '/v1/clusters/cl_02orders/nodes/nd_01orders2', 'the member is resolved by name');
  });
});

describe('credential names in spec files', () => {
  const credentials = [
    { id: 'cr_01opskey', name: 'ops-key', kind: 'ssh-private-key', metadata: {}, createdBy: 'tk_1', createdAt: '2025-01-01T00:00:00Z' },
    { id: 'cr_02other', name: 'cr_01opskey', kind: 'ssh-password', metadata: {}, createdBy: 'tk_1', createdAt: '2025-01-01T00:00:00Z' },
    { id: 'cr_03kube', name: 'prod-k8s', kind: 'kubeconfig', metadata: {}, createdBy: 'tk_1', createdAt: '2025-01-01T00:00:00Z' },
  ];
  const credentialApi = () =>
    fakeApi({
      'GET /v1/credentials': (r) =>
        r.query.get('pageToken') === 'p2'
          ? { status: 200, body: { items: credentials.slice(1), nextPageToken: null } }
          : { status: 200, body: { items: credentials.slice(0, 1), nextPageToken: 'p2' } },
      'POST /v1/clusters': () => ({ status: 202, body: operationFixture({ id: 'op_01create', type: 'cluster.create' }) }),
    });
  const HOSTS = '  hosts: [{ address: 10.0.0.11 }, { address: 10.0.0.12 }, { address: 10.0.0.13 }]\n';

  test('credential: <name> and a name in credentialId are sent as the credential id', async () => {
    for (const [spec, section] of [
      [`name: orders\nbackend: ssh\nssh:\n  credential: ops-key\n${HOSTS}`, 'ssh'],
      [`name: orders\nbackend: ssh\nssh:\n  credentialId: ops-key\n${HOSTS}`, 'ssh'],
      ['name: orders\nbackend: kubernetes\nkubernetes:\n  credential: prod-k8s\n  namespace: db\n', 'kubernetes'],
    ] as const) {
      const fake = credentialApi();
      const result = await run(['clusters', 'create', '-f', '-', '--json'], { fetch: fake.fetch, stdin: spec });
      assert.equal(result.code, 0, result.stderr);
      const post = fake.requests.find((r) => r.method === 'POST');
      const body = post?.body as Record<string, Record<string, unknown>>;
      assert.equal(body[section].credentialId, section === 'ssh' ? 'cr_01opskey' : 'cr_03kube');
      assert.equal('credential' in body[section], false, 'the API gets credentialId only');
    }
  });

  test('an id is sent as it is, with no look-up', async () => {
    const fake = credentialApi();
    const result = await run(['clusters', 'create', '-f', '-'], { fetch: fake.fetch, stdin: `name: orders\nbackend: ssh\nssh:\n  credentialId: cr_09unknown\n${HOSTS}` });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /v1/clusters'],
    );
  });

  test('an unknown name is a not-found (exit 4), a name that is also another id is ambiguous (exit 2); neither creates anything', async () => {
    const unknown = credentialApi();
    const missing = await run(['clusters', 'create', '-f', '-'], { fetch: unknown.fetch, stdin: `name: orders\nbackend: ssh\nssh:\n  credential: nope\n${HOSTS}` });
    assert.equal(missing.code, 4);
    assert.match(missing.stderr, /CREDENTIAL_NOT_FOUND: spec file standard input: ssh\.credential: no credential has the id or name "nope"/);
    assert.equal(
      unknown.requests.some((r) => r.method === 'POST'),
      false,
    );

    const both = credentialApi();
    const twice = await run(['clusters', 'create', '-f', '-'], { fetch: both.fetch, stdin: `name: orders\nbackend: ssh\nssh:\n  credential: ops-key\n  credentialId: cr_01opskey\n${HOSTS}` });
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /has both credential and credentialId/);

    // A name that looks like an id is still sent as an id; a name that is another credential's id is ambiguous.
    const ambiguous = fakeApi({
      'GET /v1/credentials': () => ({
        status: 200,
        body: {
          items: [
            { ...credentials[0], name: 'lab' },
            { ...credentials[1], id: 'cr_07x', name: 'lab' },
          ],
          nextPageToken: null,
        },
      }),
    });
    const result = await run(['clusters', 'create', '-f', '-'], { fetch: ambiguous.fetch, stdin: `name: orders\nbackend: ssh\nssh:\n  credential: lab\n${HOSTS}` });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /"lab" is ambiguous: it names lab \(cr_01opskey\) and lab \(cr_07x\); give the id/);
    assert.equal(
      ambiguous.requests.some((r) => r.method === 'POST'),
      false,
    );
  });
});

describe('operation lists name their clusters', () => {
  test('the cluster column shows names, read with one cluster list per run whatever the number of rows', async () => {
    const operations = ['cl_01billing', 'cl_02orders', 'cl_02orders', 'cl_01billing', 'cl_09gone'].map((clusterId, i) => operationFixture({ id: `op_0${i}`, clusterId }));
    const fake = api({ 'GET /v1/operations': () => ({ status: 200, body: { items: operations, nextPageToken: null } }) });
    const result = await run(['operations', 'list'], { fetch: fake.fetch });
    assert.equal(result.code, 0, result.stderr);
    const cluster = (id: string) => new RegExp(`^${id} .* (\\S+) +\\S+ +\\S+$`, 'm').exec(result.stdout)?.[1];
    assert.deepEqual(
      operations.map((o) => cluster(o.id)),
      ['billing', 'orders', 'orders', 'billing', 'cl_09gone'],
      result.stdout,
    );
    // The fake API serves the clusters on two pages: one list, read once.
    assert.deepEqual(
      fake.requests.map((r) => `${r.method} ${r.path}${r.query.get('pageToken') ? `?pageToken=${r.query.get('pageToken')}` : ''}`),
      ['GET /v1/operations', 'GET /v1/clusters', 'GET /v1/clusters?pageToken=p2'],
    );
  });

  test('--json keeps the API document (cluster ids), and reads no cluster list', async () => {
    const fake = api({ 'GET /v1/operations': () => ({ status: 200, body: { items: [operationFixture({ clusterId: 'cl_02orders' })], nextPageToken: null } }) });
    const result = await run(['operations', 'list', '--json'], { fetch: fake.fetch });
    assert.equal(JSON.parse(result.stdout)[0].clusterId, 'cl_02orders');
    assert.deepEqual(
      fake.requests.map((r) => r.path),
      ['/v1/operations'],
    );
  });
});

describe('one step numbering in text and JSON', () => {
  const failed = operationFixture({
    id: 'op_01fail',
    state: 'FAILED',
    steps: [stepFixture(0, 'Restart orders-0', 'SUCCEEDED'), stepFixture(1, 'Restart orders-1', 'FAILED', { key: 'restart:orders-1', error: { code: 'TEST_FAILURE', detail: 'boom' } })],
    error: { code: 'TEST_FAILURE', detail: 'boom', step: 'restart:orders-1' },
  });
  const log = { id: 5, at: '2025-01-01T11:59:30.000Z', level: 'error', stepIndex: 1, message: 'restart of orders-1 failed' };
  const fake = () => api({ 'GET /v1/operations/:id': () => ({ status: 200, body: failed }), 'GET /v1/operations/:id/logs': () => ({ status: 200, body: { items: [log], nextPageToken: null } }) });

  test('the number a step has in the text is its number in the JSON', async () => {
    const text = await run(['operations', 'get', 'op_01fail'], { fetch: fake().fetch });
    const json = JSON.parse((await run(['operations', 'get', 'op_01fail', '--json'], { fetch: fake().fetch })).stdout) as { steps: { number: number; title: string; index: number }[] };
    for (const step of json.steps) assert.match(text.stdout, new RegExp(`\\s${step.number} +${step.title}`), `step ${step.title} is ${step.number} in both`);
    assert.deepEqual(
      json.steps.map((s) => [s.index, s.number]),
      [
        [0, 1],
        [1, 2],
      ],
      "the API's index stays; number is what the text shows",
    );
    assert.match(text.stdout, /TEST_FAILURE: boom \(step 2 \(restart:orders-1\)\)/, 'the failed step by the same number');

    const waited = await run(['operations', 'wait', 'op_01fail'], { fetch: fake().fetch });
    assert.match(waited.stdout, /\[2\/2\] FAILED Restart orders-1/);
    assert.match(waited.stdout, /FAILED.*\(step 2 \(restart:orders-1\)\)/);
    const waitedJson = JSON.parse((await run(['operations', 'wait', 'op_01fail', '--json'], { fetch: fake().fetch })).stdout) as { steps: { number: number }[] };
    assert.equal(waitedJson.steps[1].number, 2);
  });

  test('log lines: [step N] in the text is stepNumber N in the JSON', async () => {
    const text = await run(['operations', 'logs', 'op_01fail'], { fetch: fake().fetch });
    assert.match(text.stdout, /\[step 2\] restart of orders-1 failed/);
    const json = JSON.parse((await run(['operations', 'logs', 'op_01fail', '--json'], { fetch: fake().fetch })).stdout) as { stepIndex: number; stepNumber: number }[];
    assert.deepEqual([json[0].stepIndex, json[0].stepNumber], [1, 2]);
  });
});
