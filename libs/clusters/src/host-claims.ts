import { ClusterBackend } from '@galera-cp/backends';
import { DomainError } from '@galera-cp/core';
import { EntityManager } from 'typeorm';
import type { ClusterRepository } from './cluster.repository';

/** Another live cluster record that holds some of the addresses a request asks for. */
export interface HostClaim {
  /** The other cluster's id. */
  clusterId: string;
  /** Its name. */
  name: string;
  /** The addresses both claim. */
  addresses: string[];
}

/**
 * The live (not deleted) clusters of the same backend that hold any of `addresses` (as their
 * backend says their spec occupies them), except `exceptClusterId`. Backend-neutral: a backend
 * without `occupiedAddresses` provides its own hosts and claims none.
 */
export async function findHostClaims(clusters: ClusterRepository, manager: EntityManager, backend: ClusterBackend, addresses: readonly string[], exceptClusterId?: string): Promise<HostClaim[]> {
  const occupied = backend.occupiedAddresses?.bind(backend);
  if (!occupied || addresses.length === 0) return [];
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const others = await clusters.specsOfKind(backend.kind, manager);
  return others
    .filter((c) => c.id !== exceptClusterId)
    .map((c) => ({ clusterId: c.id, name: c.name, addresses: occupied(c.spec).filter((a) => wanted.has(a.toLowerCase())) }))
    .filter((claim) => claim.addresses.length > 0);
}

/**
 * Refuses (409 HOSTS_HELD_BY_OTHER_CLUSTER, naming the other clusters and the addresses) a
 * request for hosts another live cluster record holds, unless it says `takeover: true`: its
 * hosts may have been rebuilt for this one, or the addresses may be a mistake that would put two
 * clusters on one host.
 */
export function assertHostsFree(claims: readonly HostClaim[], takeover: boolean): void {
  if (claims.length === 0 || takeover) return;
  const listed = claims.map((c) => `${c.addresses.join(', ')} (cluster ${c.name}, ${c.clusterId})`).join('; ');
  throw new DomainError(
    'conflict',
    'HOSTS_HELD_BY_OTHER_CLUSTER',
    `Hosts held by another cluster record: ${listed}. Delete that cluster first, or set takeover: true if its hosts were rebuilt for this one (the takeover is audited)`,
    { extensions: { clusters: claims.map((c) => ({ clusterId: c.clusterId, name: c.name, addresses: c.addresses })) } },
  );
}

/** The warning a plan shows for a takeover. */
export function takeoverWarning(claims: readonly HostClaim[]): string {
  return `takeover: ${claims.map((c) => `${c.addresses.join(', ')} of cluster ${c.name} (${c.clusterId})`).join('; ')} are taken over; that record still lists them, and the control plane will not act on them for it`;
}
