import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'pg';
import { createTestDatabase } from './database';

test('createTestDatabase gives each caller its own real PostgreSQL database', async () => {
  const a = await createTestDatabase('a');
  const b = await createTestDatabase('b');
  try {
    assert.notEqual(a.url, b.url);
    const client = new Client({ connectionString: a.url });
    await client.connect();
    const { rows } = await client.query<{ db: string; v: string }>('select current_database() as db, version() as v');
    await client.end();
    assert.match(rows[0].v, /^PostgreSQL/);
    assert.equal(`/${rows[0].db}`, new URL(a.url).pathname);
  } finally {
    await a.drop();
    await b.drop();
  }
});
