import { lookup } from 'node:dns/promises';
import { Cidr, IpAddress, parseIp, unwrapIpv4 } from './ip-address';

/** Ranges refused by default, by what they are. */
const REFUSED_BY_DEFAULT: [string, Cidr[]][] = [
  ['an unspecified address', ['0.0.0.0/8', '::/128'].map(Cidr.parse)],
  ['a loopback address', ['127.0.0.0/8', '::1/128'].map(Cidr.parse)],
  ['a link-local address', ['169.254.0.0/16', 'fe80::/10'].map(Cidr.parse)],
  ['a multicast address', ['224.0.0.0/4', 'ff00::/8'].map(Cidr.parse)],
  ['a reserved address', ['240.0.0.0/4'].map(Cidr.parse)],
];

/**
 * Cloud metadata and host-agent endpoints: AWS (IPv4, IPv6, ECS task metadata), GCP, Azure
 * (IMDS at 169.254.169.254, the wire server), Alibaba, Oracle. They hand out credentials, so they
 * stay refused even under a broad allowed range, unless listed as a single address.
 */
export const METADATA_ADDRESSES = ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200', '168.63.129.16', '192.0.0.192'].map(Cidr.parse);

/** Settings of a policy (from the configuration). */
export interface TargetPolicyOptions {
  /** Ranges allowed although refused by default. */
  allowedCidrs: string[];
  /** Ranges refused on top of the defaults. */
  deniedCidrs: string[];
  /** Host names (`a.example.com`, `*.example.com`) the URL must use; empty: any. */
  allowedHosts: string[];
  /** The settings named in refusals, so an operator knows what to change. */
  settings?: { allowedCidrs?: string; deniedCidrs?: string; allowedHosts?: string };
}

/** Resolves a host name to its addresses (DNS is I/O: tests pass their own). */
export type HostResolver = (host: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** A target the policy refuses; `reason` says why in words an operator can act on. */
export class TargetRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TargetRefusedError';
  }
}

/** A URL that passed the checks, with the addresses its host resolved to (connect only to these). */
export interface CheckedTarget {
  url: URL;
  addresses: string[];
}

/** True when `host` matches one of the patterns (`*.example.com` matches its subdomains only). */
export function hostAllowed(patterns: readonly string[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => (p.startsWith('*.') ? h.endsWith(p.slice(1)) && h.length > p.length - 1 : h === p));
}

/**
 * Which outbound targets the control plane may reach: http(s) URLs without credentials, whose
 * host passes the host allow-list and resolves only to addresses that are not refused.
 */
export class TargetPolicy {
  private readonly allowed: Cidr[];
  private readonly denied: Cidr[];
  private readonly names: Required<NonNullable<TargetPolicyOptions['settings']>>;

  constructor(
    private readonly options: TargetPolicyOptions,
    private readonly resolver: HostResolver = systemResolver,
  ) {
    this.allowed = options.allowedCidrs.map(Cidr.parse);
    this.denied = options.deniedCidrs.map(Cidr.parse);
    this.names = { allowedCidrs: 'OUTBOUND_ALLOWED_CIDRS', deniedCidrs: 'OUTBOUND_DENIED_CIDRS', allowedHosts: 'the allowed hosts', ...options.settings };
  }

  /** Syntax and host-name checks (no DNS); throws TargetRefusedError. */
  parseUrl(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new TargetRefusedError('not a valid absolute URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TargetRefusedError(`scheme ${url.protocol.replace(/:$/, '')} is not allowed; use http or https`);
    if (url.username || url.password) throw new TargetRefusedError('credentials in the URL are not allowed');
    if (!url.hostname) throw new TargetRefusedError('the URL has no host');
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (this.options.allowedHosts.length > 0 && !hostAllowed(this.options.allowedHosts, host)) {
      throw new TargetRefusedError(`host ${host} is not in ${this.names.allowedHosts}`);
    }
    return url;
  }

  /** Why an address is refused, or null when it may be reached. */
  refusalOf(address: string): string | null {
    const parsed = parseIp(address);
    if (!parsed) return `${address} is not an IP address`;
    const ip: IpAddress = unwrapIpv4(parsed);
    if (METADATA_ADDRESSES.some((m) => m.contains(ip))) {
      return this.allowed.some((c) => c.single && c.contains(ip)) ? null : `${address} is a cloud metadata address`;
    }
    if (this.allowed.some((c) => c.contains(ip))) return null;
    if (this.denied.some((c) => c.contains(ip))) return `${address} is in ${this.names.deniedCidrs}`;
    for (const [what, ranges] of REFUSED_BY_DEFAULT) {
      if (ranges.some((c) => c.contains(ip))) return `${address} is ${what} (refused unless ${this.names.allowedCidrs} lists it)`;
    }
    return null;
  }

  /** Checks the URL and resolves its host; every address must pass. Throws TargetRefusedError. */
  async check(raw: string): Promise<CheckedTarget> {
    const url = this.parseUrl(raw);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    let addresses: string[];
    if (parseIp(host)) {
      addresses = [host];
    } else {
      try {
        addresses = await this.resolver(host);
      } catch (error) {
        throw new TargetRefusedError(`cannot resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      if (addresses.length === 0) throw new TargetRefusedError(`${host} resolves to no address`);
    }
    for (const address of addresses) {
      const refusal = this.refusalOf(address);
      if (refusal) throw new TargetRefusedError(host === address ? refusal : `${host} resolves to ${refusal}`);
    }
    return { url, addresses };
  }
}
