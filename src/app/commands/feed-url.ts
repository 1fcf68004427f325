/**
 * Feed URLs typed in chat are untrusted: the bot will fetch them from inside
 * its network. Only http(s), no credentials, and by default no loopback,
 * private, link-local or otherwise non-public address (an SSRF guard), for
 * literal IPs and for every address a host name resolves to.
 */
import { BlockList, isIP } from 'node:net';
import type { FeedUrlPolicy } from './types.ts';

export type FeedUrlCheck = { ok: true; url: string; hostname: string } | { ok: false; reason: string };

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata endpoints
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  // IPv4-mapped (::ffff:10.0.0.1) and NAT64 forms carry an IPv4 address that decides; URL parsing writes them in hex.
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return NON_PUBLIC.check(dotted[1]!, 'ipv4');
  const hex = /^(?:::ffff:|64:ff9b::)([\da-f]{1,4}):([\da-f]{1,4})$/i.exec(address);
  if (hex) {
    const [hi, lo] = [Number.parseInt(hex[1]!, 16), Number.parseInt(hex[2]!, 16)];
    return NON_PUBLIC.check(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, 'ipv4');
  }
  return NON_PUBLIC.check(address, 'ipv6');
}

/** Names that only mean something on this machine or network. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/i;

/**
 * Check a feed URL typed in chat. Literal IPs are judged as written (WHATWG
 * URL parsing already turns "http://2130706433/" into 127.0.0.1); names are
 * resolved with `policy.lookup` and refused when any address is non-public.
 */
export async function checkFeedUrl(raw: string, policy: FeedUrlPolicy): Promise<FeedUrlCheck> {
  const text = raw.trim().replace(/^<(.*)>$/, '$1'); // Discord users paste <url> to suppress embeds
  if (!URL.canParse(text)) return { ok: false, reason: `"${raw}" is not a URL: write the full address, e.g. https://example.com/feed.xml` };
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: `only http:// and https:// feeds are supported, not ${url.protocol}` };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'feed URLs with a user name or password are not accepted' };
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (hostname === '') return { ok: false, reason: 'the URL has no host' };
  if (policy.allowPrivate) return { ok: true, url: url.href, hostname };

  const refuse = (what: string): FeedUrlCheck => ({
    ok: false,
    reason: `${what}: feeds on loopback, private or link-local addresses are refused (the operator can allow them with ALLOW_PRIVATE_FEED_URLS=true)`,
  });
  if (isIP(hostname) !== 0) return isNonPublicAddress(hostname) ? refuse(`${hostname} is not a public address`) : { ok: true, url: url.href, hostname };
  if (LOCAL_NAME.test(hostname) || !hostname.includes('.')) return refuse(`"${hostname}" is a local name`);
  if (!policy.lookup) return refuse(`cannot check where "${hostname}" points`);
  let addresses: string[];
  try {
    addresses = await policy.lookup(hostname);
  } catch (err) {
    return { ok: false, reason: `could not resolve "${hostname}" (${err instanceof Error ? err.message : String(err)}): check the spelling` };
  }
  if (addresses.length === 0) return { ok: false, reason: `"${hostname}" has no address` };
  const bad = addresses.find(isNonPublicAddress);
  return bad ? refuse(`"${hostname}" points to ${bad}`) : { ok: true, url: url.href, hostname };
}
