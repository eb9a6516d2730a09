import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { before, describe, test } from 'node:test';
import { absolute, danglingSchemaRefs, generateOpenApiArtifacts, OpenApiArtifacts } from '../scripts/openapi-artifacts';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

describe('the committed OpenAPI document and SDK types', () => {
  let artifacts: OpenApiArtifacts;
  let connections: string[];

  before(async () => {
    // Generation must not reach a database or the network: record any socket it opens.
    connections = [];
    const connect = Socket.prototype.connect;
    Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
      connections.push(JSON.stringify(args[0]));
      return (connect as (...a: unknown[]) => Socket).apply(this, args);
    } as typeof connect;
    try {
      artifacts = await generateOpenApiArtifacts();
    } finally {
      Socket.prototype.connect = connect;
    }
  });

  test('generation opens no connection (no database, no network)', () => {
    assert.deepEqual(connections, []);
  });

  for (const path of ['openapi/openapi.json', 'sdk/src/schema.d.ts']) {
    test(`${path} matches a fresh generation (run \`npm run openapi\` when this fails)`, () => {
      const file = artifacts.files.find((f) => f.path === path);
      assert.ok(file, `the generator produces ${path}`);
      let committed: string;
      try {
        committed = readFileSync(absolute(path), 'utf8');
      } catch {
        assert.fail(`${path} is missing: run \`npm run openapi\``);
      }
      assert.ok(committed === file.content, `${path} differs from the code: run \`npm run openapi\` and commit the result`);
    });
  }

  test('generation is deterministic', async () => {
    const again = await generateOpenApiArtifacts();
    assert.deepEqual(
      again.files.map((f) => f.content),
      artifacts.files.map((f) => f.content),
    );
  });

  test('every operation has an operationId, and operationIds are unique', () => {
    const seen = new Map<string, string>();
    for (const [path, item] of Object.entries(artifacts.document.paths)) {
      for (const method of METHODS) {
        const operation = (item as Json)[method] as Json | undefined;
        if (!operation) continue;
        const id = operation.operationId;
        assert.equal(typeof id, 'string', `${method.toUpperCase()} ${path} has no operationId`);
        assert.equal(seen.get(id as string), undefined, `operationId ${String(id)} is used by ${seen.get(id as string)} and ${method.toUpperCase()} ${path}`);
        seen.set(id as string, `${method.toUpperCase()} ${path}`);
      }
    }
    assert.ok(seen.size >= 20, `expected the whole API, found ${seen.size} operations`);
  });

  test('every 4xx answer is application/problem+json with the Problem schema and the codes it answers', () => {
    let count = 0;
    const registered = new Set((artifacts.document.components?.schemas?.ProblemCode as { enum?: string[] }).enum);
    for (const [path, item] of Object.entries(artifacts.document.paths)) {
      for (const method of METHODS) {
        type ProblemSchema = { $ref?: string; allOf?: [{ $ref?: string }, { properties?: { code?: { enum?: string[] } } }] };
        const operation = (item as Json)[method] as { responses?: Record<string, { content?: Record<string, { schema?: ProblemSchema }> }> } | undefined;
        for (const [status, response] of Object.entries(operation?.responses ?? {})) {
          if (!/^4\d\d$/.test(status)) continue;
          count += 1;
          const where = `${method.toUpperCase()} ${path} ${status}`;
          assert.deepEqual(Object.keys(response.content ?? {}), ['application/problem+json'], where);
          const schema = response.content?.['application/problem+json'].schema;
          assert.equal(schema?.allOf?.[0].$ref, '#/components/schemas/Problem', where);
          const codes = schema?.allOf?.[1].properties?.code?.enum ?? [];
          assert.ok(codes.length > 0, `${where} lists its codes`);
          for (const code of codes) assert.ok(registered.has(code), `${where}: ${code} is a ProblemCode`);
        }
      }
    }
    assert.ok(count > 50, `expected many documented 4xx answers, found ${count}`);
    const problem = artifacts.document.components?.schemas?.Problem as { required?: string[]; properties?: Json };
    for (const field of ['type', 'title', 'status', 'detail', 'instance', 'code', 'requestId']) assert.ok(problem.required?.includes(field), `Problem.${field} is required`);
    assert.ok(problem.properties?.errors && problem.properties?.activeOperationId);
  });

  test('Operation.result is a oneOf of typed results, discriminated by `type`', () => {
    const schemas = artifacts.document.components?.schemas as Record<string, { properties: Record<string, Json> }>;
    const result = schemas.Operation.properties.result as { oneOf?: { $ref: string }[]; discriminator?: { propertyName: string; mapping?: Record<string, string> } };
    assert.ok(Array.isArray(result.oneOf) && result.oneOf.length >= 2, 'result is a oneOf');
    assert.equal(result.discriminator?.propertyName, 'type');
    const mapping = Object.entries(result.discriminator?.mapping ?? {});
    assert.equal(mapping.length, result.oneOf.length, 'every variant has a discriminator value');
    for (const [type, ref] of mapping) {
      const variant = schemas[ref.replace('#/components/schemas/', '')];
      assert.ok(variant, `${ref} exists`);
      assert.deepEqual(variant.properties.type.enum, [type], `${ref}.type is the constant ${type}`);
      assert.ok(
        result.oneOf.some((v) => v.$ref === ref),
        `${ref} is one of the variants`,
      );
    }
  });

  test('the document references only schemas it defines (so /openapi.json is valid as served)', () => {
    assert.deepEqual(danglingSchemaRefs(artifacts.document), []);
  });
});
