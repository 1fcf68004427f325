import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeedFiles, type ParseFileResult } from '../../../src/adapters/feeds/parse-feed-files.ts';

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
      { file: join(dir, 'b-atom.atom'), ok: true, format: 'atom', title: 'AI x Crypto Lab Notes', items: 2, encoding: 'utf-8' },
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

  it('GIVEN the whole fixture folder THEN every file gets a result and nothing throws', async () => {
    const results = await parseFeedFiles([FIXTURES]);
    const ok = results.filter((r) => r.ok).length;
    // rss-parser's expected-output JSON files are JSON but not JSON Feeds, so they are rejected too.
    expect({ total: results.length, ok, rejected: results.length - ok }).toEqual({ total: 31, ok: 19, rejected: 12 });
  });
});
