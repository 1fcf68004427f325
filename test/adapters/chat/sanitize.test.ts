import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  escapeDiscordMarkdown,
  escapeHtml,
  escapeHtmlAttribute,
  fitEscaped,
  neutralizeMentions,
  redactError,
  redactSecrets,
  safeUrl,
  stripControlChars,
  truncate,
} from '../../../src/adapters/chat/sanitize.ts';

const ZWSP = '\u200B';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('stripControlChars', () => {
  it.each([
    { name: 'ANSI escape introducer', input: '\u001B[2J\u001B[31mred', expected: '[2J[31mred' },
    { name: 'CRLF and CR', input: 'a\r\nb\rc', expected: 'a\nb\nc' },
    { name: 'tabs and newlines kept', input: 'a\tb\nc', expected: 'a\tb\nc' },
    { name: 'NUL, DEL and C1', input: 'a\u0000b\u007Fc\u0085d', expected: 'abcd' },
    { name: 'bidi override (Trojan Source)', input: 'safe\u202Egnp.exe', expected: 'safegnp.exe' },
    { name: 'lone surrogates', input: 'x\uD83Dy\uDC00', expected: 'x\uFFFDy\uFFFD' },
    { name: 'ZWJ emoji sequence kept', input: '👩‍👩‍👧‍👦', expected: '👩‍👩‍👧‍👦' },
  ])('GIVEN $name THEN $expected', ({ input, expected }) => {
    expect(stripControlChars(input)).toBe(expected);
  });
});

describe('safeUrl', () => {
  it.each([
    { input: 'https://decrypt.co/a?b=1&c=2', expected: 'https://decrypt.co/a?b=1&c=2' },
    { input: '  http://example.com  ', expected: 'http://example.com/' },
    { input: 'HTTPS://Example.COM/Path', expected: 'https://example.com/Path' },
    { input: 'https://example.com/"><script>', expected: 'https://example.com/%22%3E%3Cscript%3E' },
    { input: 'javascript:alert(1)', expected: undefined },
    { input: 'JaVaScRiPt:alert(1)', expected: undefined },
    { input: 'data:text/html,<b>x</b>', expected: undefined },
    { input: 'ftp://example.com/file', expected: undefined },
    { input: '/relative/path', expected: undefined },
    { input: 'https://binance.com@evil.example/login', expected: undefined },
    { input: 'https://user:pass@example.com', expected: undefined },
    { input: '', expected: undefined },
    { input: undefined, expected: undefined },
    { input: null, expected: undefined },
  ])('GIVEN $input THEN $expected', ({ input, expected }) => {
    expect(safeUrl(input)).toBe(expected);
  });
});

describe('neutralizeMentions', () => {
  it.each([
    { input: '@everyone look', expected: `@${ZWSP}everyone look` },
    { input: 'hi @HERE', expected: `hi @${ZWSP}HERE` },
    { input: '<@123456789012345678>', expected: `<${ZWSP}@123456789012345678>` },
    { input: '<@!123>', expected: `<${ZWSP}@!123>` },
    { input: '<@&987>', expected: `<${ZWSP}@&987>` },
    { input: '<#555>', expected: `<${ZWSP}#555>` },
    { input: '</ban:123>', expected: `<${ZWSP}/ban:123>` },
    { input: '<id:customize>', expected: `<${ZWSP}id:customize>` },
    { input: 'mail me@everyonemail.com', expected: 'mail me@everyonemail.com' },
    { input: 'a < b and @someone', expected: 'a < b and @someone' },
  ])('GIVEN $input THEN $expected', ({ input, expected }) => {
    expect(neutralizeMentions(input)).toBe(expected);
  });
});

describe('escapeDiscordMarkdown', () => {
  it.each([
    { name: 'emphasis and spoilers', input: '**b** _i_ __u__ ~~s~~ ||sp||', expected: '\\*\\*b\\*\\* \\_i\\_ \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|sp\\|\\|' },
    { name: 'code', input: '`x` ```y```', expected: '\\`x\\` \\`\\`\\`y\\`\\`\\`' },
    { name: 'backslash first', input: '\\*not bold*', expected: '\\\\\\*not bold\\*' },
    { name: 'masked javascript link', input: '[click](javascript:alert(1))', expected: '\\[click\\]\\(javascript:alert\\(1\\)\\)' },
    { name: 'half a masked link', input: '](javascript:alert(1))', expected: '\\]\\(javascript:alert\\(1\\)\\)' },
    { name: 'blockquote', input: '> quoted\n>>> all', expected: '\\> quoted\n\\>\\>\\> all' },
    { name: 'headings and subtext at line start', input: '# H1\n## H2\n-# small\nnot # heading', expected: '\\# H1\n\\## H2\n\\-# small\nnot # heading' },
    { name: 'lists at line start', input: '- a\n  + b\n1. c', expected: '\\- a\n  \\+ b\n1\\. c' },
    { name: 'mentions', input: '@everyone <@&123>', expected: `@${ZWSP}everyone <${ZWSP}@&123\\>` },
    { name: 'bare URL kept whole as an autolink', input: 'see https://x.com/a_b_c.', expected: 'see <https://x.com/a_b_c>.' },
    { name: 'URL in parentheses', input: '(https://x.com/a)', expected: '\\(<https://x.com/a>\\)' },
    { name: 'URL that opens its own bracket', input: 'https://en.wikipedia.org/wiki/A_(b)', expected: '<https://en.wikipedia.org/wiki/A_(b)>' },
    { name: 'masked http link', input: '[x](https://evil.example)', expected: '\\[x\\]\\(<https://evil.example>\\)' },
  ])('GIVEN $name THEN literal text', ({ input, expected }) => {
    expect(escapeDiscordMarkdown(input)).toBe(expected);
  });

  it('GIVEN links: false THEN URLs are escaped like text', () => {
    expect(escapeDiscordMarkdown('https://x.com/a_b', { links: false })).toBe('https://x.com/a\\_b');
  });
});

describe('escapeHtml', () => {
  it.each([
    { input: '<b>bold</b>', text: '&lt;b&gt;bold&lt;/b&gt;', attribute: '&lt;b&gt;bold&lt;/b&gt;' },
    { input: 'AT&T &amp;', text: 'AT&amp;T &amp;amp;', attribute: 'AT&amp;T &amp;amp;' },
    { input: 'say "hi"', text: 'say "hi"', attribute: 'say &quot;hi&quot;' },
  ])('GIVEN $input THEN text and attribute forms are escaped', ({ input, text, attribute }) => {
    expect(escapeHtml(input)).toBe(text);
    expect(escapeHtmlAttribute(input)).toBe(attribute);
  });
});

describe('truncate', () => {
  it.each([
    { name: 'short text unchanged', text: 'hello', max: 5, expected: 'hello' },
    { name: 'cut at the last word', text: 'hello brave new world', max: 15, expected: 'hello brave…' },
    { name: 'long word hard-cut', text: 'abcdefghijklmnopqrstuvwxyz', max: 10, expected: 'abcdefghi…' },
    { name: 'max 1', text: 'hello', max: 1, expected: '…' },
    { name: 'max 0', text: 'hello', max: 0, expected: '' },
    { name: 'surrogate pair not split', text: '🤖🤖🤖🤖', max: 4, expected: '🤖…' },
    { name: 'ZWJ family kept whole or dropped', text: 'ab👩‍👩‍👧‍👦cd', max: 6, expected: 'ab…' },
    { name: 'combining mark kept with its base', text: 'cafe\u0301 noir', max: 6, expected: 'cafe\u0301…' },
    { name: 'HTML entity not split', text: 'AT&amp;T is here', max: 7, expected: 'AT…' },
    { name: 'numeric entity not split', text: 'robot&#129302;robot', max: 10, expected: 'robot…' },
  ])('GIVEN $name THEN $expected', ({ text, max, expected }) => {
    expect(truncate(text, max)).toBe(expected);
  });

  const samples = [
    'Bittensor launches dynamic TAO for subnets, and AI tokens rally hard',
    '🤖👩‍👩‍👧‍👦 emoji 🇧🇷 flags and ZWJ 👨🏽‍💻 sequences '.repeat(4),
    'x&amp;y&lt;z&#x1F916; '.repeat(6),
    '漢字とかなの混じった見出しが長く続く場合の切り方を確かめる',
  ];
  it.each(samples)('GIVEN %s THEN every max yields a valid prefix within the limit', (text) => {
    for (let max = 1; max <= text.length + 1; max++) {
      const out = truncate(text, max);
      expect(out.length).toBeLessThanOrEqual(max);
      expect(out).not.toMatch(LONE_SURROGATE);
      expect(text.startsWith(out.endsWith('…') && out.length > 0 && out !== text ? out.slice(0, -1) : out)).toBe(true);
      expect(out).not.toMatch(/&[#a-z0-9]*…$/i);
    }
  });

  it('GIVEN 10,000 characters THEN the cut is fast and exact', () => {
    const text = 'word '.repeat(2_000);
    const out = truncate(text, 4096);
    expect(out.length).toBeLessThanOrEqual(4096);
    expect(out.endsWith('word…')).toBe(true);
  });
});

describe('fitEscaped', () => {
  it.each([10, 50, 100, 333, 1024])('GIVEN budget %i THEN escaped output fits and ends cleanly', (budget) => {
    const raw = '<b>AT&T</b> said "hi" 🤖 '.repeat(100);
    const out = fitEscaped(raw, budget, escapeHtml);
    expect(out.length).toBeLessThanOrEqual(budget);
    expect(out).not.toMatch(/&[#a-z0-9]*$/i);
    expect(out).not.toMatch(/&[#a-z0-9]*…$/i);
    expect(out).not.toMatch(LONE_SURROGATE);
  });

  it('GIVEN a trailing URL line THEN the URL survives and the text before it is cut', () => {
    const raw = `${'very long catalyst description '.repeat(50)}\nhttps://example.com/article_1`;
    const out = fitEscaped(raw, 200, escapeDiscordMarkdown);
    expect(out.length).toBeLessThanOrEqual(200);
    expect(out.endsWith('…\n<https://example.com/article_1>')).toBe(true);
  });

  it.each([
    { char: '&', escaped: '&amp;' },
    { char: '"', escaped: '&quot;' },
  ])('GIVEN text that expands ×$escaped.length when escaped THEN the budget is still filled', ({ char, escaped }) => {
    const out = fitEscaped(char.repeat(2000), 512, escapeHtmlAttribute);
    expect(out.length).toBeLessThanOrEqual(512);
    expect(out.length).toBeGreaterThan(512 - escaped.length - 1);
    expect(out.endsWith(`${escaped}…`)).toBe(true);
  });

  it('GIVEN text that fits THEN it is only escaped', () => {
    expect(fitEscaped('a < b', 100, escapeHtml)).toBe('a &lt; b');
  });
});

describe('redaction', () => {
  const secret = '123456:SECRET-token';

  it('GIVEN text with a secret THEN every occurrence is replaced', () => {
    expect(redactSecrets(`bot${secret}/send and ${secret}`, [secret])).toBe('bot[REDACTED]/send and [REDACTED]');
  });

  it('GIVEN an error whose message, stack, url and cause carry the secret THEN none of it survives', () => {
    const cause = new Error(`connect to /bot${secret}/x failed`);
    const error = Object.assign(new Error(`request to https://api/bot${secret}/sendMessage failed`, { cause }), {
      url: `https://api/bot${secret}/sendMessage`,
      code: 'ECONNREFUSED',
    });
    redactError(error, [secret]);
    expect(inspect(error, { depth: 5 })).not.toContain(secret);
    expect(error.message).toBe('request to https://api/bot[REDACTED]/sendMessage failed');
    expect(error.code).toBe('ECONNREFUSED');
  });
});
