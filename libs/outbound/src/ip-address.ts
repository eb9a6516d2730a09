import { isIP } from 'node:net';

/** An IP address as bytes (4 for IPv4, 16 for IPv6). */
export interface IpAddress {
  family: 4 | 6;
  bytes: number[];
}

/** Parses an IPv4 or IPv6 address (brackets and a zone id are ignored); null when it is not one. */
export function parseIp(text: string): IpAddress | null {
  const bare = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return { family: 4, bytes: bare.split('.').map(Number) };
  if (family !== 6) return null;
  let head = bare;
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  if (dotted) {
    tail = dotted[1].split('.').map(Number);
    head = bare.slice(0, -dotted[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsWanted = 8 - tail.length / 2;
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = left ? left.split(':').filter((g) => g !== '') : [];
  const rightGroups = right ? right.split(':').filter((g) => g !== '') : [];
  const zeros = right === undefined ? 0 : groupsWanted - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...Array<string>(zeros).fill('0'), ...rightGroups].map((g) => parseInt(g, 16));
  if (groups.length !== groupsWanted) return null;
  return { family: 6, bytes: [...groups.flatMap((g) => [g >> 8, g & 0xff]), ...tail] };
}

/**
 * The IPv4 address an IPv6 address stands for, when it embeds one, so that the checks apply to
 * what is really reached whatever the spelling: IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
 * `::a.b.c.d` (deprecated, still routed by some stacks), SIIT IPv4-translated
 * `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002:AABB:CCDD::/48` and Teredo
 * `2001:0::/32` (client address inverted in the last 32 bits). `::` and `::1` stay IPv6.
 */
export function unwrapIpv4(address: IpAddress): IpAddress {
  if (address.family !== 6) return address;
  const b = address.bytes;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const mapped = zero(0, 10) && b[10] === 0xff && b[11] === 0xff;
  const compatible = zero(0, 12) && !(zero(12, 15) && b[15] <= 1);
  const translated = zero(0, 8) && b[8] === 0xff && b[9] === 0xff && b[10] === 0 && b[11] === 0;
  const nat64 = b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12);
  if (mapped || compatible || translated || nat64) return { family: 4, bytes: b.slice(12) };
  if (b[0] === 0x20 && b[1] === 0x02) return { family: 4, bytes: b.slice(2, 6) };
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0 && b[3] === 0) return { family: 4, bytes: b.slice(12).map((x) => x ^ 0xff) };
  return address;
}

/** A range of addresses: `10.0.0.0/8`, `fe80::/10`, or one address. */
export class Cidr {
  private constructor(
    readonly network: IpAddress,
    readonly prefix: number,
    readonly text: string,
  ) {}

  static parse(text: string): Cidr {
    const [address, prefix] = text.trim().split('/');
    const parsed = parseIp(address);
    if (!parsed) throw new Error(`not a CIDR: ${text}`);
    const network = unwrapIpv4(parsed);
    const max = network.family === 4 ? 32 : 128;
    const bits = prefix === undefined ? max : Number(prefix) - (parsed.family === 6 && network.family === 4 ? 96 : 0);
    if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new Error(`not a CIDR: ${text}`);
    return new Cidr(network, bits, text.trim());
  }

  /** True when the range is one address. */
  get single(): boolean {
    return this.prefix === (this.network.family === 4 ? 32 : 128);
  }

  contains(address: IpAddress): boolean {
    const a = unwrapIpv4(address);
    if (a.family !== this.network.family) return false;
    let bits = this.prefix;
    for (let i = 0; bits > 0; i += 1, bits -= 8) {
      const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((a.bytes[i] & mask) !== (this.network.bytes[i] & mask)) return false;
    }
    return true;
  }
}
