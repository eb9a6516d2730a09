import fc from 'fast-check';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { FAKE_FINGERPRINT, testPrivateKey } from '../support/fixtures';
import { Receiver, startReceiver } from '../support/receiver';
import { startTestApp, TestApp, waitForOperation } from '../support/test-app';

/**
 * The project's own fuzz suite: requests generated from the committed OpenAPI document, valid
 * and mutated (types, sizes, nesting, NUL and other control characters, unicode, garbage ids,
 * tokens, headers), for every operation and every role, against the real server on the
 * deterministic backend. Every answer must be below 500, every error a problem+json with a
 * code, and no planted secret may appear in any answer or any server log line.
 *
 * Seeded: FUZZ_SEED=<n> replays a run (the seed is printed, and named in every failure);
 * FUZZ_REQUESTS=<n> changes the request count.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5_000);
const CONCURRENCY = 4;
/** A bound on a loaded machine (not an assertion): requests not sent by then are left out, and the count says so. */
const BUDGET_MS = 150_000;
const SIGNING_SECRET = `planted-chat-secret-${randomBytes(8).toString('hex')}`;
const KUBE_TOKEN = `planted-kube-token-${randomBytes(8).toString('hex')}`;
const WEBHOOK_SECRET = `planted-webhook-secret-${randomBytes(8).toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// The OpenAPI document
// ---------------------------------------------------------------------------------------------

interface Schema {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  nullable?: boolean;
  example?: unknown;
  default?: unknown;
}
interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  body?: { type: string; schema: Schema };
}

const document = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
};

const OPERATIONS: Operation[] = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => {
    const [type, content] = Object.entries(op.requestBody?.content ?? {})[0] ?? [];
    return { method: method.toUpperCase(), path, parameters: op.parameters ?? [], body: type ? { type, schema: content.schema } : undefined };
  }),
);

function resolve(schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops += 1) current = document.components.schemas[current.$ref.split('/').pop()!];
  if (current.allOf && current.allOf.length === 1) return { ...resolve(current.allOf[0]), ...current, allOf: undefined };
  return current;
}

// ---------------------------------------------------------------------------------------------
// Values: valid ones from the schemas, and nasty ones
// ---------------------------------------------------------------------------------------------

const ugly = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '%00',
  '\u0007\u001b[31m\r\n',
  '\u202e\u2066evil',
  '\ud83d\ude00\u0301\u200d',
  '\ud800',
  '../../etc/passwd',
  "'; DROP TABLE clusters; --",
  '$(id)`id`',
  '{{7*7}}${7*7}',
  '__proto__',
  'constructor',
  'http://169.254.169.254/latest/meta-data/',
  'http://[::127.0.0.1]/',
  'http://[::ffff:0:127.0.0.1]/',
  'https://user:pw@hooks.example.com/x',
  'cl_00000000000000000000000000',
  'op_zzzzzzzzzzzzzzzzzzzzzzzzzz',
  '9'.repeat(40),
  '-1',
  'NaN',
  'true',
  '',
  ' ',
);

const nastyString = fc.oneof(
  { weight: 3, arbitrary: ugly },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 120_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.tuple(ugly, fc.string({ maxLength: 10 })).map(([a, b]) => `${b}${a}${b}`) },
);

/** `arbitrary` once in `oneIn` draws, else null. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

function deep(depth: number, leaf: unknown, array: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = array ? [value] : { a: value };
  return value;
}

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1e308, -0, 2 ** 53 + 1, 1.5, [], {}, [null], { '': '' }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 20, max: 3_000 }), fc.boolean()).map(([d, a]) => deep(d, 1, a)) },
  { weight: 1, arbitrary: fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 5 }) },
);

function validOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (s.enum) return fc.constantFrom(...s.enum);
  const variants = s.oneOf ?? s.anyOf;
  if (variants) return fc.oneof(...variants.map((v) => validOf(v, depth + 1)));
  if (s.allOf) return fc.tuple(...s.allOf.map((v) => validOf(v, depth + 1))).map((parts) => Object.assign({}, ...parts.filter((p) => p && typeof p === 'object')));
  const base = ((): fc.Arbitrary<unknown> => {
    switch (s.type) {
      case 'string': {
        const plain = fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 24, 64) });
        return s.example !== undefined && typeof s.example === 'string' ? fc.oneof(fc.constant(s.example), plain) : plain;
      }
      case 'integer':
        return fc.integer({ min: s.minimum ?? -5, max: Math.min(s.maximum ?? 1_000, 1_000_000) });
      case 'number':
        return fc.double({ min: s.minimum ?? -1_000, max: s.maximum ?? 1_000, noNaN: true });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 4 ? fc.constant([]) : fc.array(validOf(s.items ?? {}, depth + 1), { maxLength: 3 });
      default: {
        if (depth > 4) return fc.constant({});
        const properties = s.properties ?? {};
        const record = fc.record(Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, validOf(v, depth + 1)])), { requiredKeys: (s.required ?? []).filter((k) => k in properties) });
        if (s.additionalProperties && typeof s.additionalProperties === 'object') {
          const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), validOf(s.additionalProperties, depth + 1), { maxKeys: 3 });
          return Object.keys(properties).length > 0 ? fc.tuple(record, extra).map(([a, b]) => ({ ...b, ...a })) : extra;
        }
        return record;
      }
    }
  })();
  return s.nullable ? fc.option(base, { nil: null }) : base;
}

/** Replaces one node of `value` (chosen by `pick`) with `replacement`, or adds an unknown field. */
function mutateAt(value: unknown, pick: number, replacement: unknown, addField: boolean): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: unknown) => {
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        nodes.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(k) : k });
        walk(v);
      }
    }
  };
  const copy = value === undefined ? {} : (JSON.parse(JSON.stringify(value)) as unknown);
  walk(copy);
  if (addField && copy && typeof copy === 'object' && !Array.isArray(copy)) {
    (copy as Record<string, unknown>)[typeof replacement === 'string' && replacement.length < 200 ? replacement || 'x' : 'unknownField'] = replacement;
    return copy;
  }
  if (nodes.length === 0) return replacement;
  const { parent, key } = nodes[pick % nodes.length];
  (parent as Record<string | number, unknown>)[key] = replacement;
  return copy;
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

type Auth = 'none' | 'bad' | 'viewer' | 'operator' | 'admin';
const AUTHS: Auth[] = ['none', 'bad', 'viewer', 'operator', 'admin'];

interface FuzzRequest {
  operation: string;
  method: string;
  path: string;
  auth: Auth;
  badToken: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signChat: boolean;
}

/** A path segment: percent-encoded UTF-8 (a lone surrogate becomes U+FFFD's bytes, as the encoder writes it). */
const percentEncoded = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** Header values fetch can send (no CR, LF or NUL; Latin-1). */
const headerSafe = (text: string) => text.replace(/[\r\n\0]/g, '').replace(/[^\x20-\xff]/g, '?');

/** A value for a declared header: mostly well-formed, sometimes anything. */
function headerValue(name: string): fc.Arbitrary<string> {
  const wellFormed: Record<string, fc.Arbitrary<string>> = {
    'Idempotency-Key': fc.nat({ max: 50 }).map((n) => `fuzz-key-${n}`),
    'If-Match': fc.constantFrom('"1"', '"2"', '*', 'W/"1"', '"1", "2"'),
    'Last-Event-ID': fc.oneof(fc.nat().map(String), fc.constantFrom('0', '1:2', 'e:1', 'l:1', '-1')),
  };
  return fc.oneof({ weight: 3, arbitrary: wellFormed[name] ?? nastyString }, { weight: 1, arbitrary: nastyString });
}

interface Fixtures {
  ids: Record<string, string[]>;
}

function requestFor(operation: Operation, fixtures: Fixtures): fc.Arbitrary<FuzzRequest> {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const headerParams = operation.parameters.filter((p) => p.in === 'header');
  const idFor = (name: string) => {
    const known = fixtures.ids[`${operation.path}:${name}`] ?? fixtures.ids[name] ?? [];
    const garbage = fc.oneof(
      nastyString.map((s) => percentEncoded(s).slice(0, 2_000)),
      fc.constantFrom('%00', 'cl_%00', '%FF1', '%E0%A4%A', '..%2F..%2Fhealthz', '%2e%2e', 'x'.repeat(3_000)),
    );
    return known.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 2, arbitrary: garbage }) : garbage;
  };
  const path = fc.tuple(...pathParams.map((p) => idFor(p.name))).map((values) => pathParams.reduce((acc, p, i) => acc.replace(`{${p.name}}`, values[i]), operation.path));
  const query = fc
    .tuple(
      fc.tuple(
        ...queryParams.map((p) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: validOf(p.schema ?? { type: 'string' }) }, { weight: 2, arbitrary: nastyValue })),
      ),
      sometimes(fc.tuple(nastyString, nastyString), 8),
      sometimes(fc.constantFrom('dryRun=true', 'pageToken=%00', 'x=%FF', 'pageSize=1e3', 'dryRun=TRUE&dryRun=false'), 6),
    )
    .map(([values, extra, raw]) => {
      const search = new URLSearchParams();
      queryParams.forEach((p, i) => {
        const v = values[i];
        if (v !== undefined) search.append(p.name, typeof v === 'string' ? v.slice(0, 3_000) : (JSON.stringify(v)?.slice(0, 3_000) ?? ''));
      });
      // Mutations mostly plan: real ones run too, but less often (they change the fixtures).
      if (operation.method !== 'GET' && queryParams.some((p) => p.name === 'dryRun') && !search.has('dryRun')) search.set('dryRun', 'true');
      if (extra) search.append(extra[0].slice(0, 100), extra[1].slice(0, 1_000));
      const text = [search.toString(), raw].filter(Boolean).join('&');
      return text ? `?${text}` : '';
    });
  const headers = fc
    .tuple(
      fc.tuple(...headerParams.map((p) => sometimes(headerValue(p.name), 2))),
      sometimes(
        fc.constantFrom('application/json', 'text/plain', 'application/merge-patch+json', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded'),
        6,
      ),
      sometimes(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown'), 12),
      sometimes(nastyString, 10),
    )
    .map(([values, type, encoding, requestId]) => {
      const out: Record<string, string> = {};
      headerParams.forEach((p, i) => {
        const v = values[i];
        if (v !== null && v !== undefined) out[p.name.toLowerCase()] = headerSafe(v).slice(0, 20_000);
      });
      if (type) out['content-type'] = type;
      if (encoding) out['content-encoding'] = encoding;
      if (requestId !== null) out['x-request-id'] = headerSafe(requestId).slice(0, 300);
      return out;
    });
  const chatText = fc.oneof(
    fc.constantFrom('help', 'status fuzzed', 'scale fuzzed 3', 'scale fuzzed 1 force', 'confirm ABCDEF', 'recover fuzzed', 'approve op_00000000000000000000000000', 'status cl_%00'),
    nastyString,
    fc.tuple(fc.constantFrom('scale', 'status', 'recover', 'approve', 'confirm'), nastyString).map(([verb, arg]) => `${verb} ${arg}`),
  );
  const body: fc.Arbitrary<{ body?: string | Buffer; type?: string }> = !operation.body
    ? fc.oneof({ weight: 8, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: nastyValue.map((v) => ({ body: JSON.stringify(v) ?? 'null', type: 'application/json' })) })
    : operation.body.type === 'application/x-www-form-urlencoded'
      ? fc
          .tuple(validOf(operation.body.schema), chatText, fc.constantFrom('T0001', 'T9999', ''), fc.constantFrom('U0001', 'U0002', 'U9999', ''), sometimes(nastyString, 3))
          .map(([form, text, team, user, responseUrl]) => {
            const fields = { ...(form as Record<string, unknown>), team_id: team, user_id: user, text, command: '/galera', response_url: responseUrl ?? 'https://hooks.slack.com/commands/T0001/1/x' };
            return { body: new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString(), type: 'application/x-www-form-urlencoded' };
          })
      : fc.oneof(
          { weight: 3, arbitrary: validOf(operation.body.schema).map((v) => ({ body: JSON.stringify(v), type: 'application/json' })) },
          {
            weight: 6,
            arbitrary: fc
              .tuple(validOf(operation.body.schema), fc.nat(), nastyValue, fc.boolean())
              .map(([v, pick, replacement, add]) => ({ body: JSON.stringify(mutateAt(v, pick, replacement, add)) ?? '{}', type: 'application/json' })),
          },
          {
            weight: 1,
            arbitrary: fc
              .oneof(nastyString, fc.constantFrom('{', '{"a":1,}', '[1,2', 'nul', '{"a":"\\u0000"}', '\ufeff{}', '{"__proto__":{"x":1}}'))
              .map((raw) => ({ body: raw, type: 'application/json' })),
          },
        );
  return fc
    .record({
      path,
      query,
      headers,
      body,
      auth: fc.constantFrom<Auth>('none', 'bad', 'viewer', 'operator', 'admin', 'admin', 'operator'),
      badToken: fc.oneof(fc.constantFrom('gcp_', 'gcp_00000000000000000000000000000000', 'Bearer', 'null'), nastyString.map(headerSafe)),
      signChat: fc.boolean(),
      gzip: fc.boolean(),
    })
    .map(({ path: p, query: q, headers: h, body: b, auth, badToken, signChat, gzip }) => {
      const headersOut = { ...h };
      if (b.type && !headersOut['content-type']) headersOut['content-type'] = b.type;
      let payload: string | Buffer | undefined = b.body;
      if (payload !== undefined && gzip && headersOut['content-encoding'] === 'gzip') payload = gzipSync(payload);
      return { operation: `${operation.method} ${operation.path}`, method: operation.method, path: `${p}${q}`, auth, badToken, headers: headersOut, body: payload, signChat };
    });
}

// ---------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------

describe(`fuzz: requests generated from openapi/openapi.json (seed ${SEED})`, () => {
  let app: TestApp;
  let receiver: Receiver;
  const logLines: string[] = [];
  const tokens: Record<Exclude<Auth, 'none' | 'bad'>, string> = { viewer: '', operator: '', admin: '' };
  const secrets: string[] = [];
  const fixtures: Fixtures = { ids: {} };
  const restore: (() => void)[] = [];

  before(async () => {
    // Everything the process warns or prints to the console counts as a log line too.
    const onWarning = (warning: Error) => logLines.push(`warning: ${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    restore.push(() => process.off('warning', onWarning));
    for (const name of ['log', 'warn', 'error', 'info', 'debug'] as const) {
      const original = console[name];
      console[name] = (...args: unknown[]) => {
        logLines.push(args.map(String).join(' '));
        original.apply(console, args);
      };
      restore.push(() => (console[name] = original));
    }
    receiver = await startReceiver();
    app = await startTestApp({
      logSink: (line) => logLines.push(line),
      env: {
        LOG_LEVEL: 'debug',
        CHAT_SIGNING_SECRET: SIGNING_SECRET,
        CHAT_USER_ROLES: 'T0001/U0001=operator,T0001/U0002=viewer',
        SSE_HEARTBEAT_SECONDS: '1',
        // The limiter is exercised (every bad token counts) without locking the suite out.
        AUTH_FAILURE_LIMIT: '1000000',
        WEBHOOK_MAX_ATTEMPTS: '1',
        OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
      },
    });
    tokens.admin = app.adminToken;
    tokens.operator = await app.token('operator', 'fuzz-operator');
    tokens.viewer = await app.token('viewer', 'fuzz-viewer');

    const privateKey = testPrivateKey();
    const key = await app.call('POST', '/v1/credentials', { body: { name: 'fuzz-key', kind: 'ssh-private-key', privateKey } });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    const kubeconfig = `apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: https://k8s.example:6443\ncontexts:\n- name: x\n  context: { cluster: c, user: u }\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: ${KUBE_TOKEN}\n`;
    const kube = await app.call('POST', '/v1/credentials', { body: { name: 'fuzz-kube', kind: 'kubeconfig', kubeconfig } });
    assert.equal(kube.status, 201, JSON.stringify(kube.body));
    const created = await app.call('POST', '/v1/clusters', {
      body: {
        name: 'fuzzed',
        backend: 'ssh',
        ssh: { credentialId: key.body.id, hosts: Array.from({ length: 5 }, (_, i) => ({ address: `10.98.0.${10 + i}`, hostKeyFingerprint: FAKE_FINGERPRINT })) },
        replicas: 3,
        labels: { team: 'fuzz' },
      },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal((await waitForOperation(app, created.body.id)).state, 'SUCCEEDED');
    const nodes = await app.call('GET', `/v1/clusters/${created.body.clusterId}/nodes`);
    const webhook = await app.call('POST', '/v1/webhooks', { body: { url: `${receiver.url}/fuzz`, events: ['cluster.'], secret: WEBHOOK_SECRET } });
    assert.equal(webhook.status, 201, JSON.stringify(webhook.body));
    const spare = await app.call('POST', '/v1/tokens', { body: { name: 'fuzz-spare', role: 'viewer' } });
    assert.equal(spare.status, 201, JSON.stringify(spare.body));

    // The lists of ids each path parameter draws from (besides garbage).
    fixtures.ids = {
      id: [created.body.clusterId],
      nodeId: nodes.body.items.map((n: { id: string }) => n.id),
      '/v1/operations/{id}': [created.body.id],
      '/v1/operations/{id}/approve:id': [created.body.id],
      '/v1/operations/{id}/cancel:id': [created.body.id],
      '/v1/operations/{id}/events:id': [created.body.id],
      '/v1/operations/{id}/logs:id': [created.body.id],
      '/v1/operations/{id}/retry:id': [created.body.id],
      '/v1/credentials/{id}:id': [key.body.id, kube.body.id],
      '/v1/webhooks/{id}:id': [webhook.body.id],
      '/v1/webhooks/{id}/deliveries:id': [webhook.body.id],
      '/v1/webhooks/{id}/test:id': [webhook.body.id],
      '/v1/tokens/{id}:id': [spare.body.id],
    };
    for (const path of Object.keys(document.paths).filter((p) => p.startsWith('/v1/operations/{id}'))) fixtures.ids[`${path}:id`] = [created.body.id];

    // Planted secrets: none may come back in an answer or reach a log line.
    const keyBody = privateKey.split('\n').filter((l) => l && !l.startsWith('-----'));
    secrets.push(
      keyBody.join(''),
      ...keyBody.filter((l) => l.length >= 40),
      KUBE_TOKEN,
      WEBHOOK_SECRET,
      SIGNING_SECRET,
      tokens.admin,
      tokens.operator,
      tokens.viewer,
      spare.body.secret,
      app.env.MASTER_KEY,
    );
  });

  after(async () => {
    for (const undo of restore) undo();
    await app?.close();
    await receiver?.close();
  });

  const statuses = new Map<number, number>();

  /** Sends one request; answers what is wrong with its answer (empty: nothing). */
  async function send(request: FuzzRequest): Promise<string[]> {
    const headers: Record<string, string> = { ...request.headers };
    const token = request.auth === 'none' ? undefined : request.auth === 'bad' ? request.badToken : tokens[request.auth];
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (request.operation === 'POST /v1/chat/slack/commands' && request.signChat && typeof request.body === 'string') {
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['x-slack-request-timestamp'] = timestamp;
      headers['x-slack-signature'] = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${request.body}`).digest('hex')}`;
    }
    const controller = new AbortController();
    let response: Response;
    try {
      response = await fetch(`${app.url}${request.path}`, { method: request.method, headers, body: request.method === 'GET' ? undefined : request.body, signal: controller.signal });
    } catch (error) {
      return [`the request failed: ${String((error as Error).cause ?? error)}`];
    }
    const type = response.headers.get('content-type') ?? '';
    let text: string;
    if (type.startsWith('text/event-stream')) {
      // A stream: its first chunk tells whether it started well; then the client leaves.
      const reader = response.body!.getReader();
      const first = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 1_500).unref())]);
      controller.abort();
      text = first && first.value ? Buffer.from(first.value).toString('utf8') : '';
    } else {
      text = await response.text();
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    const problems: string[] = [];
    if (response.status >= 500) problems.push(`answered ${response.status}: ${text.slice(0, 300)}`);
    if (response.status >= 400) {
      if (!/^application\/problem\+json/.test(type)) problems.push(`answered ${response.status} as ${type || 'no content type'}: ${text.slice(0, 200)}`);
      else {
        const body = JSON.parse(text) as { code?: unknown; status?: unknown };
        if (typeof body.code !== 'string' || !/^[A-Z][A-Z0-9_]*$/.test(body.code)) problems.push(`problem without an UPPER_SNAKE code: ${text.slice(0, 200)}`);
        if (body.status !== response.status) problems.push(`problem status ${String(body.status)} on a ${response.status} answer`);
      }
    }
    if (type.startsWith('text/event-stream') && /^event: error$/m.test(text)) problems.push(`a 200 stream that starts with an error: ${text.slice(0, 200)}`);
    const answer = `${[...response.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${text}`;
    for (const secret of secrets) if (answer.includes(secret)) problems.push(`the answer holds a planted secret (${secret.slice(0, 6)}…)`);
    return problems;
  }

  test(`${REQUESTS} generated requests: no 5xx, every error a problem with a code, no planted secret in answers or logs, the process survives`, async (t) => {
    // Every operation once with every role, then random operations and roles.
    const systematic = OPERATIONS.flatMap((operation, i) => AUTHS.map((auth, j) => ({ ...fc.sample(requestFor(operation, fixtures), { seed: SEED + i * AUTHS.length + j, numRuns: 1 })[0], auth })));
    const arbitrary = fc.constantFrom(...OPERATIONS).chain((operation) => requestFor(operation, fixtures));
    const requests = [...systematic, ...fc.sample(arbitrary, { seed: SEED, numRuns: Math.max(0, REQUESTS - systematic.length) })];
    t.diagnostic(`fuzz seed ${SEED}, ${requests.length} requests over ${OPERATIONS.length} operations (replay: FUZZ_SEED=${SEED} node scripts/test.mjs e2e --only fuzz)`);
    console.log(`fuzz: seed ${SEED}, ${requests.length} requests over ${OPERATIONS.length} operations`);
    const failures: string[] = [];
    let next = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < requests.length && Date.now() - started < BUDGET_MS) {
        const request = requests[next];
        const index = next;
        next += 1;
        const problems = await send(request);
        if (problems.length > 0 && failures.length < 25) {
          failures.push(
            `#${index} ${request.operation} as ${request.auth}: ${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.headers).slice(0, 200)} body ${String(request.body ?? '').slice(0, 200)}\n    ${problems.join('\n    ')}`,
          );
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    console.log(
      `fuzz: ${next} of ${requests.length} requests sent in ${Math.round((Date.now() - started) / 1000)} s; answers by status: ${[...statuses]
        .sort((a, b) => a[0] - b[0])
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
    );
    for (const line of logLines) {
      for (const secret of secrets) if (line.includes(secret)) failures.push(`a log line holds a planted secret (${secret.slice(0, 6)}…): ${line.slice(0, 300)}`);
    }
    const health = await app.call('GET', '/healthz', { token: null });
    assert.equal(health.status, 200, 'the server still answers');
    const ready = await app.call('GET', '/readyz', { token: null });
    assert.equal(ready.status, 200, 'the server is still ready');
    assert.deepEqual(failures, [], `fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED} node scripts/test.mjs e2e --only fuzz):\n${failures.join('\n')}`);
  });
});
