import { Cluster, Credential, GaleraClient, paginate, unwrap } from '@galera-cp/sdk';
import { NotFoundError } from './cli-errors';

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
