import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalUrl, htmlToText, normalizeItem, parseFeedDate, type ItemSource, type RawFeedItem } from '../../src/domain/normalize-item.ts';
import type { Post } from '../../src/domain/post.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const FETCHED_AT = Date.UTC(2024, 2, 10, 12, 0, 0);
const FEED: ItemSource = { id: 'feed-1', name: 'Lab Notes', weight: 1.5, link: 'https://lab.example.net/blog/' };
const item = (fields: Partial<RawFeedItem>): RawFeedItem => ({ categories: [], ...fields });

function post(result: Post | { skipped: string }): Post {
  if ('skipped' in result) throw new Error(`unexpectedly skipped: ${result.skipped}`);
  return result;
}

describe('htmlToText', () => {
  it.each([
    ['', ''],
    ['plain  text\n   with   spaces  ', 'plain text\nwith spaces'],
    ['<p>One</p><p>Two</p>', 'One\nTwo'],
    ['a<br>b<br/>c', 'a\nb\nc'],
    ['<script>alert(1)</script>Hi<style>p { color: red }</style> there', 'Hi there'],
    ['<noscript><p>enable JS</p></noscript>shown<template><b>x</b></template>', 'shown'],
    ['&amp; &lt;b&gt; &eacute; &#8217; &#x1F680; &copy;', '& <b> é ’ 🚀 ©'],
    ['a&nbsp;&nbsp;b\u00a0\u00a0c', 'a b c'],
    ['soft&shy;ware zero\u200bwidth', 'software zerowidth'],
    ['don\u0092t \u0093quote\u0094', 'don’t “quote”'],
    ['<ul><li>one</li><li>two</li></ul>after', 'one\ntwo\nafter'],
    ['<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>', 'a b\nc'],
    ['<p>broken <b>bold', 'broken bold'],
    ['<!-- hidden -->shown', 'shown'],
    ['word<img src="x.png" alt="pic">next', 'word next'],
    ['<div>\n\n  <p>  spaced  </p>\n\n</div>', 'spaced'],
    ['tab\tand\rcarriage', 'tab and\ncarriage'],
  ])('GIVEN %j THEN %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });
});

describe('canonicalUrl', () => {
  it.each([
    { url: 'https://Example.COM/Path?b=2&a=1#top', base: undefined, expected: 'https://example.com/Path?a=1&b=2' },
    { url: 'http://example.com:80/a', base: undefined, expected: 'http://example.com/a' },
    {
      url: 'https://x.org/p?utm_source=rss&UTM_Medium=feed&fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref=hn&id=9',
      base: undefined,
      expected: 'https://x.org/p?id=9',
    },
    { url: 'https://x.org/p?source=rss&page=2', base: undefined, expected: 'https://x.org/p?page=2' },
    { url: 'https://x.org/p?source=newsletter', base: undefined, expected: 'https://x.org/p?source=newsletter' },
    { url: 'https://x.org/?utm_campaign=a', base: undefined, expected: 'https://x.org/' },
    { url: '/2024/03/post?b=1&a=2', base: 'https://lab.example.net/blog/', expected: 'https://lab.example.net/2024/03/post?a=2&b=1' },
    { url: 'post.html', base: 'https://lab.example.net/blog/', expected: 'https://lab.example.net/blog/post.html' },
    { url: '//cdn.example.org/x', base: 'https://lab.example.net/', expected: 'https://cdn.example.org/x' },
    { url: 'https://x.org/a', base: 'not a base', expected: 'https://x.org/a' },
    { url: '  https://x.org/a  ', base: undefined, expected: 'https://x.org/a' },
    { url: 'https://Bücher.example/', base: undefined, expected: 'https://xn--bcher-kva.example/' },
    { url: 'https://x.org/a?q=a%20b&k', base: undefined, expected: 'https://x.org/a?k=&q=a+b' },
    { url: '/relative', base: undefined, expected: undefined },
    { url: 'javascript:alert(1)', base: undefined, expected: undefined },
    { url: 'mailto:a@b.org', base: 'https://x.org/', expected: undefined },
    { url: 'http://', base: undefined, expected: undefined },
    { url: '', base: 'https://x.org/', expected: undefined },
    { url: undefined, base: 'https://x.org/', expected: undefined },
  ])('GIVEN $url (base $base) THEN $expected', ({ url, base, expected }) => {
    expect(canonicalUrl(url, base)).toBe(expected);
  });
});

describe('parseFeedDate', () => {
  it.each([
    ['Tue, 10 Jun 2003 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 +0530', '2003-06-09T22:30:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 -03:00', '2003-06-10T07:00:00.000Z'],
    ['Tue, 10 Jun 2003 04:00:00 EDT', '2003-06-10T08:00:00.000Z'],
    ['Mon, 01 Jan 2024 10:00:00 PST', '2024-01-01T18:00:00.000Z'],
    ['Mon, 01 Jul 2024 10:00:00 CEST', '2024-07-01T08:00:00.000Z'],
    ['Mon, 1 Jan 2024 10:00 Z', '2024-01-01T10:00:00.000Z'],
    ['10 Jun 03 04:00:00 GMT', '2003-06-10T04:00:00.000Z'],
    ['10-Jun-2003 04:00 +0200', '2003-06-10T02:00:00.000Z'],
    ['Wed, 03 Jan 2018 13:47:00 GMT\r\n      ', '2018-01-03T13:47:00.000Z'],
    ['Mon, 01 Jan 2024 10:00:00', '2024-01-01T10:00:00.000Z'],
    ['Seg, 24 Set 2018 19:42:40 -0300', '2018-09-24T22:42:40.000Z'],
    ['Qua, 06 Mar 2024 14:30:00 -0300', '2024-03-06T17:30:00.000Z'],
    ['5 févr. 2024 10h30', '2024-02-05T10:30:00.000Z'],
    ['12 juil. 2024 08:00:00 +0200', '2024-07-12T06:00:00.000Z'],
    ['Di, 12 Mär 2024 08:00:00 MEZ', '2024-03-12T07:00:00.000Z'],
    ['12 Desember 2023 08:00 WIB', '2023-12-12T01:00:00.000Z'],
    ['2017-06-15T10:29:47-07:00', '2017-06-15T17:29:47.000Z'],
    ['2024-03-01T09:30:00.123456Z', '2024-03-01T09:30:00.123Z'],
    ['2024-03-01T09:30:00+0100', '2024-03-01T08:30:00.000Z'],
    ['2024-03-01 09:30:00', '2024-03-01T09:30:00.000Z'],
    ['2024-03-01 09:30:00 EST', '2024-03-01T14:30:00.000Z'],
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024/03/01 09:30', '2024-03-01T09:30:00.000Z'],
    ['20240301T093000Z', '2024-03-01T09:30:00.000Z'],
    ['20021231T19:20:30.45+01:00', '2002-12-31T18:20:30.450Z'],
    ['2002-12', '2002-12-01T00:00:00.000Z'],
    ['2003', '2003-01-01T00:00:00.000Z'],
    ['Thu , \t 09  Feb\t2006  23:59:45\t +0000', '2006-02-09T23:59:45.000Z'],
    ['  2003-12-13T12:17:23Z  ', '2003-12-13T12:17:23.000Z'],
    ['January 5, 2024 10:00 AM EST', '2024-01-05T15:00:00.000Z'],
    ['Jan 5th, 2024 at 12:15 pm', '2024-01-05T12:15:00.000Z'],
    ['Mon Jan 01 2024 10:00:00 GMT+0200 (Eastern European Standard Time)', '2024-01-01T08:00:00.000Z'],
    ['Sun Nov  6 08:49:37 1994', '1994-11-06T08:49:37.000Z'],
    ['garbage', undefined],
    ['', undefined],
    ['31 Jun 2024', undefined],
    ['2024-02-30T00:00:00Z', undefined],
    ['2024-13-01T00:00:00Z', undefined],
    ['Mon, 01 Jan 2024 25:00:00 GMT', undefined],
    ['Mon, 01 Jan 2024 10:00:00 +2500', undefined],
    ['32 Foo 2024', undefined],
    ['2024-03/01', undefined],
    ['insert published date here', undefined],
  ])('GIVEN %j THEN %s', (text, iso) => {
    const ms = parseFeedDate(text);
    expect(ms === undefined ? undefined : new Date(ms).toISOString()).toBe(iso);
  });
});

describe('normalizeItem', () => {
  const full = item({
    guid: ' tag:lab,2024:1 ',
    link: '/posts/agents?utm_source=rss#comments',
    title: '  Agents <b>on-chain</b> &amp; more  ',
    html: '<p>Body <em>text</em>.</p><script>x()</script>',
    published: 'Fri, 01 Mar 2024 09:30:00 -0500',
    author: 'dana@lab.example.net (Dana Ng)',
    categories: [' AI ', 'ai', 'De&amp;Fi', ''],
    language: 'pt-BR',
  });

  it('GIVEN a complete item THEN produces the whole Post', () => {
    expect(normalizeItem(full, { ...FEED, language: 'en' }, FETCHED_AT)).toEqual<Post>({
      id: sha1('feed-1\nguid:tag:lab,2024:1'),
      feedId: 'feed-1',
      source: 'Lab Notes',
      url: 'https://lab.example.net/posts/agents',
      title: 'Agents on-chain & more',
      text: 'Body text.',
      publishedAt: Date.UTC(2024, 2, 1, 14, 30),
      fetchedAt: FETCHED_AT,
      author: 'Dana Ng',
      categories: ['AI', 'De&Fi'],
      lang: 'pt',
      sourceWeight: 1.5,
      guid: 'tag:lab,2024:1',
      titleHash: sha1('agents on-chain & more'),
    });
  });

  it('GIVEN a minimal item THEN omits optional fields rather than setting them undefined', () => {
    const result = post(normalizeItem(item({ title: 'Only a title' }), { id: 'f', name: 'F', weight: 1 }, FETCHED_AT));
    expect(result).toEqual<Post>({
      id: sha1('f\ntitle:Only a title\n'),
      feedId: 'f',
      source: 'F',
      url: '',
      title: 'Only a title',
      text: '',
      publishedAt: FETCHED_AT,
      fetchedAt: FETCHED_AT,
      categories: [],
      sourceWeight: 1,
      titleHash: sha1('only a title'),
    });
    expect(Object.keys(result)).not.toContain('author');
  });

  it.each([
    { name: 'nothing at all', raw: item({}) },
    { name: 'only whitespace and empty markup', raw: item({ title: '  ', html: '<p> </p><script>x</script>', link: 'javascript:void(0)' }) },
  ])('GIVEN $name THEN skipped with a reason', ({ raw }) => {
    expect(normalizeItem(raw, FEED, FETCHED_AT)).toEqual({ skipped: 'item has no title, text or link' });
  });

  it.each([
    { name: 'short text', raw: item({ html: '<p>Short body</p>' }), title: 'Short body' },
    {
      name: 'long text, cut at a word',
      raw: item({ html: `<p>${'word '.repeat(40)}</p>` }),
      title: `${'word '.repeat(23).trim()}…`,
    },
    { name: 'only a link', raw: item({ link: 'https://x.org/a?utm_source=rss' }), title: 'https://x.org/a' },
  ])('GIVEN no title and $name THEN the title falls back', ({ raw, title }) => {
    const result = post(normalizeItem(raw, FEED, FETCHED_AT));
    expect(result.title).toBe(title);
    expect(result.title.length).toBeLessThanOrEqual(120);
  });

  it.each([
    { name: 'a parseable past date', published: '2024-03-09T00:00:00Z', expected: Date.UTC(2024, 2, 9) },
    { name: 'a date a few hours ahead (clock skew)', published: '2024-03-10T20:00:00Z', expected: Date.UTC(2024, 2, 10, 20) },
    { name: 'a date more than a day ahead', published: '2024-03-12T00:00:00Z', expected: FETCHED_AT },
    { name: 'an unparseable date', published: 'yesterday-ish', expected: FETCHED_AT },
    { name: 'no date', published: undefined, expected: FETCHED_AT },
  ])('GIVEN $name THEN publishedAt is as expected', ({ published, expected }) => {
    expect(post(normalizeItem(item({ title: 't', published }), FEED, FETCHED_AT)).publishedAt).toBe(expected);
  });

  it.each([
    { name: 'a guid', raw: item({ guid: 'g-1', link: 'https://x.org/a', title: 'T' }), key: 'guid:g-1' },
    { name: 'a link but no guid', raw: item({ link: 'https://X.org/a?utm_source=rss', title: 'T' }), key: 'url:https://x.org/a' },
    { name: 'neither guid nor link', raw: item({ title: 'T', published: ' Tue, 05 Mar 2024 09:00:00 GMT ' }), key: 'title:T\nTue, 05 Mar 2024 09:00:00 GMT' },
  ])('GIVEN $name THEN the id hashes the feed id and that identity', ({ raw, key }) => {
    expect(post(normalizeItem(raw, FEED, FETCHED_AT)).id).toBe(sha1(`feed-1\n${key}`));
  });

  it('GIVEN an undated item without guid or link polled twice THEN its id does not change', () => {
    const raw = item({ title: 'Undated', html: 'text' });
    const first = post(normalizeItem(raw, FEED, FETCHED_AT));
    const later = post(normalizeItem(raw, FEED, FETCHED_AT + 3_600_000));
    expect(later.id).toBe(first.id);
    expect(later.publishedAt).not.toBe(first.publishedAt);
  });

  it('GIVEN the same guid in two feeds THEN the ids differ', () => {
    const raw = item({ guid: 'shared', title: 'T' });
    expect(post(normalizeItem(raw, FEED, FETCHED_AT)).id).not.toBe(post(normalizeItem(raw, { ...FEED, id: 'feed-2' }, FETCHED_AT)).id);
  });

  it.each([
    ['Bitcoin ÉTF  Approved', 'bitcoin etf approved'],
    ['BITCOIN ETF APPROVED', 'bitcoin etf approved'],
    ['Bitcoin&nbsp;ETF approved', 'bitcoin etf approved'],
  ])('GIVEN title %j THEN titleHash is the hash of %j', (title, folded) => {
    expect(post(normalizeItem(item({ title }), FEED, FETCHED_AT)).titleHash).toBe(sha1(folded));
  });

  it.each([
    ['Q&amp;A &#8211; AI agents', 'Q&A – AI agents'],
    ['Agents <b>on-chain</b>: a <a href="/x">review</a>', 'Agents on-chain: a review'],
    ['Why x < y and 5 > 3', 'Why x < y and 5 > 3'],
    ['Use <T> generics in Rust', 'Use <T> generics in Rust'],
    ['  multi\n  line\ttitle  ', 'multi line title'],
    ['AT&T buys GPUs', 'AT&T buys GPUs'],
  ])('GIVEN title %j THEN %j', (title, expected) => {
    expect(post(normalizeItem(item({ title }), FEED, FETCHED_AT)).title).toBe(expected);
  });

  it.each([
    { name: 'the item language', itemLang: 'pt-BR', feedLang: 'en', lang: 'pt' },
    { name: 'the feed language when the item has none', itemLang: undefined, feedLang: 'en_US', lang: 'en' },
    { name: 'upper case', itemLang: 'IT', feedLang: undefined, lang: 'it' },
    { name: 'nothing usable', itemLang: 'x-default', feedLang: '??', lang: undefined },
  ])('GIVEN $name THEN lang is $lang', ({ itemLang, feedLang, lang }) => {
    const result = post(normalizeItem(item({ title: 't', language: itemLang }), { ...FEED, language: feedLang }, FETCHED_AT));
    expect(result.lang).toBe(lang);
  });

  it('GIVEN a huge body THEN text is capped at 20,000 characters', () => {
    const result = post(normalizeItem(item({ title: 't', html: `<p>${'a'.repeat(50_000)}</p>` }), FEED, FETCHED_AT));
    expect(result.text).toHaveLength(20_000);
  });
});
