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
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 96], // unspecified, loopback, and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: the client's address is obfuscated, so it cannot be judged
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed inside some networks)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}

/** The eight 16-bit groups of a valid IPv6 address, in any textual form (`::`, a trailing dotted IPv4). */
function hextets(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((h) => Number.parseInt(h, 16)));
  const [left, right] = [parse(head), parse(tail ?? '')];
  return tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const ipv4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;

/**
 * The IPv4 address an IPv6 address carries and is routed to: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible
 * (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::).
 */
function embeddedIPv4(address: string): string | undefined {
  const h = hextets(address);
  const zeros = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (h[5] === 0xffff || h[5] === 0)) return ipv4Of(h[6]!, h[7]!);
  if (zeros(0, 4) && h[4] === 0xffff && h[5] === 0) return ipv4Of(h[6]!, h[7]!);
  if (h[0] === 0x64 && h[1] === 0xff9b && zeros(2, 6)) return ipv4Of(h[6]!, h[7]!);
  if (h[0] === 0x2002) return ipv4Of(h[1]!, h[2]!);
  return undefined;
}

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return false;
  const ipv4 = embeddedIPv4(address);
  return (ipv4 !== undefined && NON_PUBLIC.check(ipv4, 'ipv4')) || NON_PUBLIC.check(address, 'ipv6');
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
  // "localhost." is localhost: a trailing dot only makes a name fully qualified.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
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

/**
 * A redirect check for the feed fetcher: a feed on a public address may not
 * redirect to a loopback, private or link-local one (a feed added from chat
 * passed {@link checkFeedUrl} with its first address only). A feed already on
 * the local network, which only the operator's YAML can add, may move within it.
 */
export function refusePrivateRedirects(lookup: NonNullable<FeedUrlPolicy['lookup']>): (from: URL, to: URL) => Promise<string | undefined> {
  const policy: FeedUrlPolicy = { allowPrivate: false, lookup };
  return async (from, to) => {
    if (!(await checkFeedUrl(from.href, policy)).ok) return undefined;
    const target = await checkFeedUrl(to.href, policy);
    return target.ok ? undefined : target.reason;
  };
}
