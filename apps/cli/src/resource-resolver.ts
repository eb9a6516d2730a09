import { Cluster, Credential, GaleraClient, paginate, unwrap } from '@galera-cp/sdk';
import { NotFoundError, UsageError } from './cli-errors';

/** Largest page the API serves: name look-ups read every page, so fewer round trips. */
const PAGE_SIZE = 200;

/** A cluster id (`cl_` and a ULID). Cluster names are DNS labels, which never hold `_`, so no name looks like an id. */
export function isClusterId(ref: string): boolean {
  return /^cl_[0-9A-Za-z]+$/.test(ref);
}

/** A credential id (`cr_` and a ULID). Credential names are free text, so a name may look like one too. */
export function isCredentialId(ref: string): boolean {
  return /^cr_[0-9A-Za-z]+$/.test(ref);
}

/** Every cluster (optionally of one state or backend), page by page. */
export function allClusters(client: GaleraClient, filter: { state?: Cluster['status']['state']; backend?: Cluster['spec']['backend'] } = {}): AsyncGenerator<Cluster> {
  return paginate((pageToken) => unwrap(client.GET('/v1/clusters', { params: { query: { pageToken, pageSize: PAGE_SIZE, ...filter } } })));
}

async function clusterByName(client: GaleraClient, name: string): Promise<Cluster> {
  const page = await unwrap(client.GET('/v1/clusters', { params: { query: { name, pageSize: 1 } } }));
  if (page.items[0]) return page.items[0];
  throw new NotFoundError('CLUSTER_NOT_FOUND', `No cluster is named "${name}" (galeractl clusters list shows them)`);
}

/**
 * The id of a cluster given by id or name. An id is answered as it is (the request that uses it
 * answers 404 when it names nothing); a name is looked up in the list of clusters.
 */
export async function resolveClusterId(client: GaleraClient, ref: string): Promise<string> {
  return isClusterId(ref) ? ref : (await clusterByName(client, ref)).id;
}

/** A cluster given by id or name. */
export async function resolveCluster(client: GaleraClient, ref: string): Promise<Cluster> {
  if (!isClusterId(ref)) return clusterByName(client, ref);
  return unwrap(client.GET('/v1/clusters/{id}', { params: { path: { id: ref } } }));
}

/** A credential given by id or name: an id-shaped reference is tried as an id first, then as a name. */
export async function resolveCredential(client: GaleraClient, ref: string): Promise<Credential> {
  if (isCredentialId(ref)) {
    const answer = await client.GET('/v1/credentials/{id}', { params: { path: { id: ref } } });
    if (answer.response.status !== 404) return unwrap(answer);
  }
  for await (const credential of paginate((pageToken) => unwrap(client.GET('/v1/credentials', { params: { query: { pageToken, pageSize: PAGE_SIZE } } })))) {
    if (credential.name === ref) return credential;
  }
  throw new NotFoundError('CREDENTIAL_NOT_FOUND', `No credential has the id or name "${ref}" (galeractl credentials list shows them)`);
}

/** A node id (`nd_` and a ULID). Node names are DNS labels (`orders-0`), which never hold `_`. */
export function isNodeId(ref: string): boolean {
  return /^nd_[0-9A-Za-z]+$/.test(ref);
}

/** The id of a cluster's member given by id or name (`orders-1`); a name is looked up in the cluster's node list. */
export async function resolveNodeId(client: GaleraClient, clusterId: string, ref: string): Promise<string> {
  if (isNodeId(ref)) return ref;
  const nodes = await unwrap(client.GET('/v1/clusters/{id}/nodes', { params: { path: { id: clusterId } } }));
  const node = nodes.items.find((n) => n.name === ref);
  if (!node) throw new NotFoundError('NODE_NOT_FOUND', `Cluster ${clusterId} has no member named "${ref}" (galeractl nodes list ${clusterId} shows them)`);
  return node.id;
}

/**
 * Cluster names by id, for tables that show operations or events: read once per run from the
 * cluster list (one request per 200 clusters, however many rows name a cluster), and only when
 * a row names a cluster. A cluster that is gone (deleted) keeps its id.
 */
export class ClusterNames {
  private names?: Promise<Map<string, string>>;

  constructor(private readonly client: GaleraClient) {}

  /** The names of the clusters the given ids name (ids without a cluster are left out). */
  async of(ids: Iterable<string | null | undefined>): Promise<Map<string, string>> {
    const wanted = [...ids].filter((id): id is string => typeof id === 'string');
    if (wanted.length === 0) return new Map();
    this.names ??= (async () => {
      const names = new Map<string, string>();
      for await (const cluster of allClusters(this.client)) names.set(cluster.id, cluster.name);
      return names;
    })();
    return this.names;
  }
}

/**
 * The id of the credential a spec file names, by id or by name. A `cr_…` id is sent as it is (the
 * API checks it); anything else is looked up in the credential list: no match is a not-found
 * (exit 4), more than one (a name that is also another credential's id) a usage error (exit 2).
 */
export async function resolveCredentialIdForSpec(client: GaleraClient, ref: string, where: string): Promise<string> {
  if (isCredentialId(ref)) return ref;
  const matches: Credential[] = [];
  for await (const credential of paginate((pageToken) => unwrap(client.GET('/v1/credentials', { params: { query: { pageToken, pageSize: PAGE_SIZE } } })))) {
    if (credential.name === ref || credential.id === ref) matches.push(credential);
  }
  if (matches.length === 0) throw new NotFoundError('CREDENTIAL_NOT_FOUND', `${where}: no credential has the id or name "${ref}" (galeractl credentials list shows them)`);
  if (matches.length > 1) throw new UsageError(`${where}: "${ref}" is ambiguous: it names ${matches.map((c) => `${c.name} (${c.id})`).join(' and ')}; give the id`);
  return matches[0].id;
}
