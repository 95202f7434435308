import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Finds the addresses of a host name; injectable, so tests need no network. */
export type HostResolver = (hostname: string) => Promise<string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** Addresses the server never calls unless WEBHOOK_ALLOW_PRIVATE=true: private, loopback, link-local and the like. */
const FORBIDDEN_V4 = new BlockList();
const FORBIDDEN_V6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) FORBIDDEN_V4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) FORBIDDEN_V6.addSubnet(net, bits, 'ipv6');

/** Whether the address is one a webhook may be sent to (a public unicast address). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // IPv4-mapped (::ffff:10.0.0.1): judge the IPv4 address inside.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]);
    return !FORBIDDEN_V6.check(address, 'ipv6');
  }
  return !FORBIDDEN_V4.check(address, 'ipv4');
}

export interface UrlPolicy {
  /** `https` only (production). */
  httpsOnly: boolean;
  /** WEBHOOK_ALLOW_PRIVATE=true: private and loopback addresses allowed (development and tests). */
  allowPrivate: boolean;
  resolve: HostResolver;
}

/** Why a URL is refused, in words for the partner; null when it may be called. */
export async function urlProblem(raw: string, policy: UrlPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'The URL is not a valid absolute URL.';
  }
  if (raw.length > 2000) return 'The URL is longer than 2000 characters.';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !policy.httpsOnly)) return policy.httpsOnly ? 'The URL must use https.' : 'The URL must use https or http.';
  if (url.username || url.password) return 'The URL must not carry credentials (user:password@).';
  if (url.hash) return 'The URL must not have a fragment (#...).';
  const addresses = await addressesOf(url.hostname, policy.resolve);
  if (addresses === null) return 'The URL\'s host name does not resolve.';
  if (!policy.allowPrivate && addresses.some((a) => !isPublicAddress(a))) return 'The URL leads to a private, loopback or link-local address.';
  return null;
}

/** The addresses of a URL's host (a literal address as it is, `[::1]` without brackets); null when it does not resolve. */
export async function addressesOf(hostname: string, resolve: HostResolver): Promise<string[] | null> {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIP(host)) return [host];
  try {
    const found = await resolve(host);
    return found.length ? found : null;
  } catch {
    return null;
  }
}
