import { isProblemCode, PROBLEM_CODE_LIST } from '@galera-cp/core';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { generateOpenApiArtifacts } from '../scripts/openapi-artifacts';

const ROOT = resolve(__dirname, '..');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === 'testing') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.ts$/.test(entry.name) && !/\.(e2e-|lab-)?spec\.ts$/.test(entry.name)) yield path;
  }
}

/**
 * The codes the server's code raises as literals: DomainError and its kin (BackendError,
 * GaleraRuleError, `refuse`, `memberError`, the `errors.*` shorthands), and every UPPER_SNAKE
 * literal of the files that define error codes (`*.errors.ts`, the problem renderer).
 */
function raisedCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const raiser = /(?:new (?:DomainError|BackendError|GaleraRuleError)\(\s*(?:'[a-z_]+',\s*)?|\brefuse\(\s*|\bmemberError\(\s*|errors\.(?:invalid|conflict)\(\s*)'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;
  const literal = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;
  for (const dir of ['libs', 'apps/api']) {
    for (const file of sources(join(ROOT, dir))) {
      const text = readFileSync(file, 'utf8');
      const where = relative(ROOT, file);
      for (const match of text.matchAll(raiser)) found.set(match[1], where);
      if (/(\.errors|\/problem)\.ts$/.test(file)) for (const match of text.matchAll(literal)) found.set(match[1], where);
    }
  }
  return found;
}

describe('problem codes', () => {
  test('every code the server raises as a literal is in the registry (libs/core/src/problem-codes.ts)', () => {
    const raised = raisedCodes();
    assert.ok(raised.size > 40, `the scan finds the codes (${raised.size})`);
    const missing = [...raised].filter(([code]) => !isProblemCode(code)).map(([code, file]) => `${code} (${file})`);
    assert.deepEqual(missing, []);
  });

  test('the OpenAPI document lists every registered code in ProblemCode, and each endpoint its own codes', async () => {
    const { document } = await generateOpenApiArtifacts();
    const schemas = document.components?.schemas as Record<string, { enum?: string[] }>;
    assert.deepEqual([...(schemas.ProblemCode?.enum ?? [])].sort(), [...PROBLEM_CODE_LIST].sort());
    const scale = document.paths['/v1/clusters/{id}/scale']?.post?.responses as Record<string, { content: Record<string, { schema: { allOf: { properties?: { code?: { enum?: string[] } } }[] } }> }>;
    const codesOf = (status: string) => scale[status].content['application/problem+json'].schema.allOf[1].properties?.code?.enum;
    assert.ok(codesOf('409')?.includes('OPERATION_IN_PROGRESS'));
    assert.ok(codesOf('409')?.includes('QUORUM_WOULD_BE_LOST'));
    assert.deepEqual(codesOf('404'), ['CLUSTER_NOT_FOUND']);
    assert.deepEqual(codesOf('401'), ['INVALID_TOKEN', 'UNAUTHENTICATED']);
  });
});
