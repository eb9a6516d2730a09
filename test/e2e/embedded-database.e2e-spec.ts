// The embedded PostgreSQL of the one-command default, shared by several processes of the control
// plane in one DATA_DIR (an API and a worker, say): the last process out stops it, whether it
// started the server or joined it; while another still uses it, it stays up.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Client } from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '@galera-cp/database';

const dirs: string[] = [];
const started: EmbeddedDatabase[] = [];
after(async () => {
  for (const db of started) await db.stop().catch(() => undefined);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gcp-embedded-'));
  dirs.push(dir);
  return dir;
}

async function postmasterPid(dir: string): Promise<number> {
  return Number((await readFile(join(dir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A session standing for a process's open pool. */
async function session(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return (await client.query('SELECT 1 AS one')).rows[0]?.one === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && alive(pid); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  return !alive(pid);
}

describe('embedded PostgreSQL shared by several processes', () => {
  test('a joiner that leaves first keeps it up; the starter, last out, stops it', async () => {
    const dir = await dataDir();
    const owner = await startEmbeddedDatabase(dir);
    started.push(owner);
    const joiner = await startEmbeddedDatabase(dir);
    assert.equal(owner.owned, true);
    assert.equal(joiner.owned, false);
    assert.equal(joiner.url, owner.url);
    const pid = await postmasterPid(dir);

    const ownersPool = await session(owner.url);
    assert.equal(await joiner.stop(), 'left-running');
    assert.equal(await answers(owner.url), true, 'the server the owner still uses is up');
    await ownersPool.end();
    assert.equal(await owner.stop(), 'stopped');
    assert.equal(await gone(pid), true, 'the last one out stopped the postmaster');
  });

  test('the starter that leaves first keeps it up for the joiner; the joiner, last out, stops it', async () => {
    const dir = await dataDir();
    const owner = await startEmbeddedDatabase(dir);
    started.push(owner);
    const joiner = await startEmbeddedDatabase(dir);
    const pid = await postmasterPid(dir);

    const joinersPool = await session(joiner.url);
    assert.equal(await owner.stop(), 'left-running');
    assert.equal(await answers(joiner.url), true, 'the server the joiner still uses is up');
    await joinersPool.end();
    assert.equal(await joiner.stop(), 'stopped');
    assert.equal(await gone(pid), true, 'a joiner that is the last one out stops a server it did not start');
  });
});
