import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSweepSummary, rejectionGroup, summariseSweep } from '../../../src/adapters/feeds/feed-sweep-summary.ts';
import { parseFeedFiles, suspicionsOf, type ParseFileResult } from '../../../src/adapters/feeds/parse-feed-files.ts';
import type { ParsedFeed } from '../../../src/app/ports.ts';

const FIXTURES = fileURLToPath(new URL('../../fixtures/feeds/', import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'radar-parse-files-'));
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  copyFileSync(join(FIXTURES, 'hand-made/atom.atom'), join(dir, 'b-atom.atom'));
  copyFileSync(join(FIXTURES, 'hand-made/json-feed.json'), join(dir, 'nested', 'feed.json'));
  copyFileSync(join(FIXTURES, 'rss-parser/input/encoding.rss'), join(dir, 'nested', 'deeper', 'latin.RSS'));
  copyFileSync(join(FIXTURES, 'w3c-feedvalidator/invalid_xml.xml'), join(dir, 'a-broken.xml'));
  writeFileSync(join(dir, 'notes.txt'), 'not a feed, and not picked up: wrong extension');
  writeFileSync(join(dir, 'nested', 'LICENSE'), 'ignored');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseFeedFiles', () => {
  it('GIVEN a directory THEN parses feed files recursively in name order, one result each', async () => {
    const results = await parseFeedFiles([dir]);
    expect(results).toEqual<ParseFileResult[]>([
      {
        file: join(dir, 'a-broken.xml'),
        ok: false,
        items: 0,
        encoding: 'utf-8',
        error: 'not XML: Unexpected close tag at line 14, column 6 (the XML is truncated or its tags are not balanced), near "</rss>"',
      },
      { file: join(dir, 'b-atom.atom'), ok: true, format: 'atom', title: 'AI x Crypto Lab Notes', items: 2, encoding: 'utf-8', suspicious: ['unparseable dates'] },
      {
        file: join(dir, 'nested', 'deeper', 'latin.RSS'),
        ok: true,
        format: 'rss',
        title: 'Jornal de Notícias - Últimas Notícias',
        items: 40,
        encoding: 'windows-1252',
      },
      { file: join(dir, 'nested', 'feed.json'), ok: true, format: 'json', title: 'Radar Test JSON Feed', items: 3, encoding: 'utf-8' },
    ]);
  });

  it('GIVEN explicit files THEN parses them whatever their extension, in argument order', async () => {
    const results = await parseFeedFiles([join(dir, 'notes.txt'), join(FIXTURES, 'hand-made/gb2312.xml')]);
    expect(results.map((r) => [r.ok, r.format, r.title, r.error])).toEqual([
      [false, undefined, undefined, 'not a feed: it starts with "not a feed, and not picked up: wrong ext", not with "<" (XML) or "{" (JSON Feed)'],
      [true, 'rss', '加密货币与人工智能', undefined],
    ]);
  });

  it('GIVEN a missing path THEN reports it and carries on with the rest', async () => {
    const missing = join(dir, 'nope.xml');
    const results = await parseFeedFiles([missing, join(dir, 'b-atom.atom')]);
    expect(results[0]).toEqual({ file: missing, ok: false, items: 0, error: 'cannot read: no such file or directory' });
    expect(results[1]?.ok).toBe(true);
  });

  it('GIVEN the same files inline and in a worker THEN the results are identical', async () => {
    const files = [join(dir, 'a-broken.xml'), join(dir, 'b-atom.atom'), join(FIXTURES, 'hand-made/mixed-utf8-latin1.rss')];
    const inline = await parseFeedFiles(files, { isolation: 'inline' });
    expect(await parseFeedFiles(files)).toEqual(inline);
    expect(inline[2]).toMatchObject({ ok: true, title: 'Notícias – Crypto', items: 1 });
  });

  it('GIVEN a file over the size cap THEN rejects it unread', async () => {
    const [result] = await parseFeedFiles([join(dir, 'b-atom.atom')], { isolation: 'inline', maxFileBytes: 100 });
    expect(result?.error).toMatch(/^too large: \d+ bytes \(limit 100\)$/);
  });
});

describe('parseFeedFiles isolation', () => {
  // Stand-in workers written inline: they speak the real worker's protocol, then misbehave.
  const fakeWorker = (onFile: string) => () =>
    new Worker(
      `const { parentPort } = require('node:worker_threads');
       parentPort.postMessage({ ready: true });
       parentPort.on('message', ({ file }) => { ${onFile} });`,
      { eval: true, resourceLimits: { maxOldGenerationSizeMb: 32 } },
    );

  it('GIVEN a file whose parse never ends THEN it times out, and the next file gets a fresh worker', async () => {
    let started = 0;
    const hangsOnA = fakeWorker(`if (file.endsWith('a-broken.xml')) for (;;) {} else parentPort.postMessage({ result: { file, ok: true, items: 0 } });`);
    const results = await parseFeedFiles([join(dir, 'a-broken.xml'), join(dir, 'b-atom.atom')], {
      timeBudgetMs: 300,
      startWorker: () => {
        started++;
        return hangsOnA();
      },
    });
    expect(results).toEqual([
      {
        file: join(dir, 'a-broken.xml'),
        ok: false,
        items: 0,
        error: 'timed out: parsing took longer than 300 ms and was abandoned (raise --timeout-ms if the file is legitimately huge)',
      },
      { file: join(dir, 'b-atom.atom'), ok: true, items: 0 },
    ]);
    expect(started).toBe(2);
  });

  it('GIVEN a parse that exhausts the heap cap THEN the file is reported out of memory and the sweep goes on', async () => {
    const grows = fakeWorker(`if (file.endsWith('a-broken.xml')) { const keep = []; for (;;) keep.push(new Array(1e5).fill(keep.length)); } else parentPort.postMessage({ result: { file, ok: true, items: 0 } });`);
    const results = await parseFeedFiles([join(dir, 'a-broken.xml'), join(dir, 'b-atom.atom')], { timeBudgetMs: 60_000, maxHeapMb: 32, startWorker: grows });
    expect(results[0]?.error).toBe('out of memory: parsing needed more than 32 MB of heap and was abandoned');
    expect(results[1]?.ok).toBe(true);
  });

  it('GIVEN a worker that crashes THEN the file says so', async () => {
    const crashes = fakeWorker(`throw new Error('boom');`);
    const [result] = await parseFeedFiles([join(dir, 'a-broken.xml')], { startWorker: crashes });
    expect(result?.error).toBe('parser crashed: boom');
  });
});

describe('suspicionsOf', () => {
  const feed = (title: string | undefined, items: Partial<ParsedFeed['items'][number]>[]): ParsedFeed => ({
    format: 'rss',
    title,
    items: items.map((i) => ({ categories: [], ...i })),
  });

  it.each([
    { name: 'a clean feed', feed: feed('Notícias Cripto', [{ title: 'Größe ação', published: 'Wed, 06 Mar 2024 14:30:00 -0300' }]), found: [] },
    { name: 'no title, no items', feed: feed(undefined, []), found: ['no title', 'no items'] },
    { name: 'U+FFFD in an item title', feed: feed('t', [{ title: 'Espa\ufffda' }]), found: ['U+FFFD in a title'] },
    { name: 'UTF-8 read as windows-1252', feed: feed('NotÃ­cias', [{ title: 'x' }]), found: ['mojibake in a title'] },
    { name: 'Big5 read as Latin-1', feed: feed('¦¨¤¤¤å¡A', [{ title: 'x' }]), found: ['mojibake in a title'] },
    { name: 'a contrived but real accented title', feed: feed('Iñtërnâtiônàlizætiøn', [{ title: 'x' }]), found: [] },
    { name: 'a date nobody can read', feed: feed('t', [{ title: 'x', published: 'insert updated date here' }]), found: ['unparseable dates'] },
  ])('GIVEN $name THEN $found', ({ feed, found }) => {
    expect(suspicionsOf(feed)).toEqual(found);
  });

  it('GIVEN U+FFFD spelled in the source itself THEN it is not held against the decoder', () => {
    expect(suspicionsOf(feed('a \ufffd b', [{ title: 'x' }]), true)).toEqual([]);
  });
});

describe('summariseSweep / formatSweepSummary', () => {
  it('GIVEN mixed results THEN counts, groups rejections without positions, and lists suspicious files', () => {
    const results: ParseFileResult[] = [
      { file: 'a.xml', ok: true, items: 2, title: 'A' },
      { file: 'b.xml', ok: true, items: 0, suspicious: ['no title', 'no items'] },
      { file: 'c.xml', ok: false, items: 0, error: 'not XML: Unexpected close tag at line 14, column 6 (the XML is truncated or its tags are not balanced), near "</rss>"' },
      { file: 'd.xml', ok: false, items: 0, error: 'not XML: Unexpected close tag at line 2, column 9 (the XML is truncated or its tags are not balanced), near "</b>"' },
      { file: 'e.xml', ok: false, items: 0, error: 'not a feed: it is an HTML page, not a feed; the page advertises a feed at http://example.com/rss.xml' },
    ];
    const summary = summariseSweep(results, { peakRssBytes: 150 * 1024 * 1024, elapsedMs: 4200 });
    expect(summary).toEqual({
      files: 5,
      parsed: 2,
      rejected: 3,
      rejectionsByReason: [
        { reason: 'not XML: Unexpected close tag (the XML is truncated or its tags are not balanced)', count: 2, example: 'c.xml' },
        { reason: 'not a feed: it is an HTML page, not a feed; the page advertises a feed at URL', count: 1, example: 'e.xml' },
      ],
      suspiciousByKind: [
        { kind: 'no items', count: 1, examples: ['b.xml'] },
        { kind: 'no title', count: 1, examples: ['b.xml'] },
      ],
      peakRssBytes: 150 * 1024 * 1024,
      elapsedMs: 4200,
    });
    expect(formatSweepSummary(summary)).toEqual([
      '5 files: 2 parsed (40.0%), 3 rejected (60.0%)',
      'rejected, by reason:',
      '      2  not XML: Unexpected close tag (the XML is truncated or its tags are not balanced)  (e.g. c.xml)',
      '      1  not a feed: it is an HTML page, not a feed; the page advertises a feed at URL  (e.g. e.xml)',
      'parsed but suspicious:',
      '      1  no items  (e.g. b.xml)',
      '      1  no title  (e.g. b.xml)',
      'peak RSS 150 MB, 4.2 s',
    ]);
  });

  it.each([
    ['too large: 123456 bytes (limit 100)', 'too large: N bytes (limit N)'],
    ['not a feed: it is JSON but not a JSON Feed (no "version": "https://jsonfeed.org/version/1.1")', 'not a feed: it is JSON but not a JSON Feed (no "version": "URL")'],
  ])('GIVEN %j THEN groups as %j', (error, group) => {
    expect(rejectionGroup(error)).toBe(group);
  });
});
