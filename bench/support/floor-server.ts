/**
 * The floor of the read benchmark: the least a server can do to answer the product's reads from
 * the same PostgreSQL. Fastify and a pg pool of the product's size, the same SQL as the product's
 * queries, the rows answered as JSON; no auth, no validation, no mapping, no metrics, no logs.
 * The product's figures are printed as ratios of this one's, measured in the same run, so the
 * noise of a shared machine falls on both.
 *
 * Reads DATABASE_URL and PORT; prints one JSON line `{ url }` when listening.
 */
import Fastify from 'fastify';
import { Pool } from 'pg';

async function main(): Promise<void> {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 10), application_name: 'galera-cp-floor' });
  const app = Fastify({ logger: false });
  app.get<{ Params: { id: string } }>('/v1/clusters/:id', async (request, reply) => {
    const { rows } = await pool.query('SELECT * FROM clusters WHERE id = $1 AND deleted_at IS NULL', [request.params.id]);
    if (rows.length === 0) return reply.code(404).send({ code: 'CLUSTER_NOT_FOUND' });
    return rows[0];
  });
  app.get<{ Querystring: { pageSize?: string } }>('/v1/clusters', async (request) => {
    const size = Number(request.query.pageSize ?? 50);
    const { rows } = await pool.query('SELECT * FROM clusters WHERE deleted_at IS NULL ORDER BY id ASC LIMIT $1', [size + 1]);
    return { items: rows.slice(0, size), nextPageToken: rows.length > size ? rows[size - 1].id : null };
  });
  const port = Number(process.env.PORT ?? 0);
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
  process.on(
    'SIGTERM',
    () =>
      void app
        .close()
        .then(() => pool.end())
        .then(() => process.exit(0)),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
