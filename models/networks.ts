import ipaddr from 'ipaddr.js';
import type { SeenAggregate } from './rollup.ts';

/**
 * Returns the network of an address in CIDR form: the /24 of an IPv4 address (IPv4-mapped IPv6
 * included) or the /64 of an IPv6 address. Returns undefined for text that is not an address.
 */
export function networkOf(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return undefined;

  const parsed = ipaddr.process(address);
  if (parsed.kind() === 'ipv4') {
    const octets = parsed.toByteArray();
    return `${octets[0]}.${octets[1]}.${octets[2]}.0/24`;
  }
  const prefix = parsed.toByteArray().slice(0, 8).concat(new Array<number>(8).fill(0));
  return `${ipaddr.fromByteArray(prefix).toString()}/64`;
}

/** Groups seen source addresses by network, summing counts and widening first and last seen. */
export function networksOf(sourceIps: readonly SeenAggregate[]): SeenAggregate[] {
  const networks = new Map<string, SeenAggregate>();
  for (const ip of sourceIps) {
    const key = networkOf(ip.key);
    if (key === undefined) continue;

    const network = networks.get(key);
    if (network === undefined) {
      networks.set(key, { ...ip, key });
      continue;
    }
    network.count += ip.count;
    network.firstSeenMs = Math.min(network.firstSeenMs, ip.firstSeenMs);
    network.lastSeenMs = Math.max(network.lastSeenMs, ip.lastSeenMs);
  }
  return [...networks.values()];
}
