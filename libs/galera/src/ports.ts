/**
 * The ports Galera members use, once for both backends (the SSH preflight checks they are free;
 * the Kubernetes manifests open them on the pods and the peer Service).
 */

/** Ports every member listens on, with the name a Service or a log line gives each. */
export const GALERA_PORTS = [
  /** SQL clients and the health probe. */
  { name: 'mysql', port: 3306 },
  /** Group communication (gcomm) between members. */
  { name: 'galera', port: 4567 },
  /** Incremental state transfer (IST) from a donor's gcache. */
  { name: 'ist', port: 4568 },
  /** Full state transfer (SST: rsync or mariabackup over socat). */
  { name: 'sst', port: 4444 },
] as const;

/** The port numbers of {@link GALERA_PORTS}. */
export const GALERA_PORT_NUMBERS: readonly number[] = GALERA_PORTS.map((p) => p.port);
