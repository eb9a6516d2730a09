import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database of its own for one test file, on the PostgreSQL that scripts/test.mjs started. */
export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env.GCP_TEST_ADMIN_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url) {
    throw new Error('No PostgreSQL for tests: run tests through `npm test` (scripts/test.mjs starts one), or set TEST_DATABASE_URL');
  }
  return url;
}

/** Creates a uniquely named, empty database; parallel test files never share one. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `gcp_${label
    .replace(/[^a-z0-9]/gi, '_')
    .toLowerCase()
    .slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = adminUrl();
  const client = new Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
