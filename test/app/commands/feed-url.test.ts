import { describe, expect, it } from 'vitest';
import { checkFeedUrl, isNonPublicAddress, refusePrivateRedirects } from '../../../src/app/commands/feed-url.ts';
import type { FeedUrlPolicy } from '../../../src/app/commands/types.ts';
import { FAKE_DNS } from './fixtures.ts';

const strict: FeedUrlPolicy = {
  allowPrivate: false,
  lookup: async (host) => {
    const found = FAKE_DNS[host];
    if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
    return found;
  },
};

describe('checkFeedUrl', () => {
  it.each([
    ['https://blog.example.com/feed.xml', 'https://blog.example.com/feed.xml'],
    ['<https://blog.example.com/feed.xml>', 'https://blog.example.com/feed.xml'],
    ['http://93.184.215.14/rss', 'http://93.184.215.14/rss'],
  ])('GIVEN %s THEN it is accepted as %s', async (input, url) => {
    expect(await checkFeedUrl(input, strict)).toMatchObject({ ok: true, url });
  });

  it.each([
    ['ftp://blog.example.com/feed', 'only http:// and https://'],
    ['javascript:alert(1)', 'only http:// and https://'],
    ['blog.example.com/feed', 'is not a URL'],
    ['https://user:pw@blog.example.com/feed', 'user name or password'],
    ['http://127.0.0.1:8080/feed', '127.0.0.1 is not a public address'],
    ['http://2130706433/feed', '127.0.0.1 is not a public address'], // decimal IPv4, normalised by URL parsing
    ['http://[::1]/feed', '::1 is not a public address'],
    ['http://[::ffff:10.0.0.1]/feed', 'is not a public address'],
    ['http://169.254.169.254/latest/meta-data', 'not a public address'],
    ['http://192.168.1.10/feed', 'not a public address'],
    ['http://localhost/feed', 'is a local name'],
    ['http://printer.local/feed', 'is a local name'],
    ['http://intranet/feed', 'is a local name'],
    ['https://rebind.example.com/feed', 'points to 10.1.2.3'],
    ['https://dual.example.com/feed', 'points to ::1'],
    ['https://nowhere.example.com/feed', 'could not resolve'],
    ['https://mapped.example.com/feed', 'points to ::ffff:192.168.0.10'],
    ['file:///etc/passwd', 'only http:// and https://'],
    ['gopher://blog.example.com/', 'only http:// and https://'],
    // Every spelling of loopback that URL parsing accepts.
    ['http://0x7f.1/feed', '127.0.0.1 is not a public address'],
    ['http://0x7f000001/feed', '127.0.0.1 is not a public address'],
    ['http://0177.0.0.1/feed', '127.0.0.1 is not a public address'],
    ['http://127.1/feed', '127.0.0.1 is not a public address'],
    ['http://%31%32%37.0.0.1/feed', '127.0.0.1 is not a public address'],
    ['http://0/feed', '0.0.0.0 is not a public address'],
    ['http://[::]/feed', ':: is not a public address'],
    ['http://[::ffff:127.0.0.1]/feed', 'is not a public address'],
    ['http://[0:0:0:0:0:ffff:7f00:1]/feed', 'is not a public address'],
    ['http://[::127.0.0.1]/feed', 'is not a public address'],
    ['http://[2002:7f00:1::]/feed', 'is not a public address'],
    ['http://[fec0::1]/feed', 'is not a public address'],
    ['http://[ff02::1]/feed', 'is not a public address'],
    ['http://224.0.0.251/feed', 'is not a public address'],
    ['http://255.255.255.255/feed', 'is not a public address'],
    ['http://localhost./feed', 'is a local name'],
    ['http://LOCALHOST/feed', 'is a local name'],
  ])('GIVEN %s THEN it is refused: %s', async (input, reason) => {
    const result = await checkFeedUrl(input, strict);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('GIVEN private addresses are allowed THEN a loopback feed is accepted without a lookup', async () => {
    expect(await checkFeedUrl('http://127.0.0.1:8080/feed', { allowPrivate: true })).toMatchObject({ ok: true, url: 'http://127.0.0.1:8080/feed' });
  });

  it('GIVEN a refusal THEN it names the option that allows private addresses', async () => {
    const result = await checkFeedUrl('http://10.0.0.5/feed', strict);
    expect(result.ok ? '' : result.reason).toContain('ALLOW_PRIVATE_FEED_URLS');
  });

  it.each([
    ['8.8.8.8', false],
    ['100.64.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['fe80::1', true],
    ['fd12:3456::1', true],
    ['2606:4700::1111', false],
    ['64:ff9b::7f00:1', true],
    ['::ffff:a00:1', true],
    ['::ffff:808:808', false],
    ['64:ff9b::127.0.0.1', true],
    ['0:0:0:0:0:ffff:a00:1', true],
    ['::ffff:0:a00:1', true], // IPv4-translated
    ['2002:a00:1::', true], // 6to4 of 10.0.0.1
    ['2002:808:808::1', false], // 6to4 of 8.8.8.8
    ['2001:db8::1', true],
    ['2001:0:4136:e378::1', true], // Teredo
    ['64:ff9b:1::a', true],
    ['192.0.2.1', true],
    ['203.0.113.9', true],
    ['1.1.1.1', false],
    ['not-an-ip', false],
  ])('GIVEN %s THEN non-public is %s', (address, expected) => {
    expect(isNonPublicAddress(address)).toBe(expected);
  });
});

describe('refusePrivateRedirects', () => {
  const check = refusePrivateRedirects(strict.lookup!);
  const hop = (from: string, to: string) => check(new URL(from), new URL(to));

  it.each([
    ['https://blog.example.com/feed', 'http://169.254.169.254/latest/meta-data', '169.254.169.254 is not a public address'],
    ['https://blog.example.com/feed', 'http://localhost:8080/admin', '"localhost" is a local name'],
    ['https://blog.example.com/feed', 'https://rebind.example.com/feed', '"rebind.example.com" points to 10.1.2.3'],
    ['http://93.184.215.14/rss', 'http://[::ffff:10.0.0.1]/rss', 'is not a public address'],
  ])('GIVEN a public feed redirecting from %s to %s THEN refused: %s', async (from, to, reason) => {
    expect(await hop(from, to)).toContain(reason);
  });

  it.each([
    ['https://blog.example.com/feed', 'https://dual.example.com/new-feed', 'refused'], // one of its addresses is ::1
    ['https://blog.example.com/old', 'https://blog.example.com/new', undefined],
    ['http://127.0.0.1:8080/feed', 'http://127.0.0.1:8080/moved', undefined], // the operator's own local feed may move
    ['http://192.168.1.10/feed', 'http://10.0.0.5/feed', undefined],
  ])('GIVEN %s → %s THEN %s', async (from, to, expected) => {
    const reason = await hop(from, to);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toContain('points to ::1');
  });
});
