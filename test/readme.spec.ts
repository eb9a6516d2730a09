import { EnvironmentVariables } from '@galera-cp/config';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

test('the README configuration table lists every variable the code reads, with its default', () => {
  const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'));
  const rows = new Map([...table.matchAll(/^\| `([A-Z_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1], m[2].trim()]));
  const defaults = new EnvironmentVariables() as unknown as Record<string, unknown>;
  const variables = [...new Set([...Object.keys(defaults), 'DATABASE_URL', 'MASTER_KEY', 'MASTER_KEY_FILE', 'BOOTSTRAP_ADMIN_TOKEN'])].sort();
  assert.deepEqual([...rows.keys()].sort(), variables);
  for (const [name, value] of Object.entries(defaults)) {
    if (value === undefined) continue;
    const shown = rows.get(name);
    const expected = value === '' ? 'empty' : `\`${String(value)}\``;
    assert.equal(shown, expected, `README default of ${name}`);
  }
});

test('the README shows the two commands', () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /^npm test\b/m);
});
