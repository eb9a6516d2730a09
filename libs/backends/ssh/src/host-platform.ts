/**
 * Where MariaDB Galera lives on each distribution family, and how its packages are installed.
 * Debian is what the host lab runs; the RHEL family (MariaDB's own repository names) is covered
 * by unit tests of the commands it builds.
 */
import { DEBIAN_GALERA_CONFIG_PATH, DEBIAN_GALERA_PROVIDER_PATH, type SstMethod } from '@galera-cp/galera';
import { and, command, withEnv, type RemoteCommand } from './shell';

/** Distribution families the backend knows. */
export type DistributionFamily = 'debian' | 'rhel' | 'unknown';

/** Paths and package names of one family. */
export interface HostPlatform {
  family: DistributionFamily;
  /** The control plane's own Galera option file (overrides the distribution's defaults). */
  configPath: string;
  /** `wsrep_provider`. */
  providerPath: string;
  /** The package query program. */
  packageQuery: 'dpkg' | 'rpm';
  /** Packages a member needs for an SST method. */
  packagesFor(sstMethod: SstMethod): string[];
  /** Installs packages (non-interactive); undefined when the family has no known installer. */
  installCommand(packages: readonly string[]): RemoteCommand | undefined;
}

const DEBIAN: HostPlatform = {
  family: 'debian',
  configPath: DEBIAN_GALERA_CONFIG_PATH,
  providerPath: DEBIAN_GALERA_PROVIDER_PATH,
  packageQuery: 'dpkg',
  packagesFor: (sst) => ['mariadb-server', 'galera-4', ...(sst === 'mariabackup' ? ['mariadb-backup', 'socat'] : ['rsync'])],
  installCommand: (packages) =>
    and(
      withEnv({ DEBIAN_FRONTEND: 'noninteractive' }, command('apt-get', 'update', '-q')),
      withEnv({ DEBIAN_FRONTEND: 'noninteractive' }, command('apt-get', 'install', '-y', '-q', '--no-install-recommends', '--', ...packages)),
    ),
};

const RHEL: HostPlatform = {
  family: 'rhel',
  configPath: '/etc/my.cnf.d/60-galera.cnf',
  providerPath: '/usr/lib64/galera-4/libgalera_smm.so',
  packageQuery: 'rpm',
  // MariaDB's own repository names (the distribution's own mariadb packages lack Galera 4 on some releases).
  packagesFor: (sst) => ['MariaDB-server', 'galera-4', ...(sst === 'mariabackup' ? ['MariaDB-backup', 'socat'] : ['rsync'])],
  installCommand: (packages) => command('dnf', 'install', '-y', '-q', '--', ...packages),
};

/** The platform of a family; an unknown family gets Debian's paths and no installer. */
export function hostPlatform(family: DistributionFamily): HostPlatform {
  if (family === 'rhel') return RHEL;
  if (family === 'debian') return DEBIAN;
  return { ...DEBIAN, family: 'unknown', installCommand: () => undefined };
}
