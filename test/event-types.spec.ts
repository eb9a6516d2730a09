import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { EVENT_DATA_TYPES } from '../apps/api/src/events/event.dto';

const ROOT = resolve(__dirname, '..');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('spec.ts')) yield path;
  }
}

test('every event type the server appends has a typed payload in the OpenAPI document (EVENT_DATA_TYPES)', () => {
  const appended = new Map<string, string>();
  let dynamic = 0;
  for (const file of sources(join(ROOT, 'libs'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/events\.append\(\s*\{\s*type(?::\s*(?:'([a-z_.]+)'|[\w.]+ \? '([a-z_.]+)' : '([a-z_.]+)'))?/g)) {
      const literals = match.slice(1).filter((type): type is string => Boolean(type));
      for (const type of literals) appended.set(type, relative(ROOT, file));
      if (literals.length === 0) dynamic += 1;
    }
  }
  assert.ok(appended.size >= 10, `the scan finds the appends (${appended.size})`);
  // The appends whose type is computed: operation.<terminal state> and cluster.<observed state>.
  assert.equal(dynamic, 2, 'a new computed event type needs its payload in EVENT_DATA_TYPES and its family here');
  for (const state of ['succeeded', 'failed', 'cancelled']) appended.set(`operation.${state}`, 'operation-runner.ts');
  for (const state of ['ready', 'degraded', 'down', 'unknown']) appended.set(`cluster.${state}`, 'clusters.service.ts');
  const missing = [...appended].filter(([type]) => !(type in EVENT_DATA_TYPES)).map(([type, file]) => `${type} (${file})`);
  assert.deepEqual(missing, []);
});
