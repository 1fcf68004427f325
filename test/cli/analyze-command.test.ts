import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeCommand, parsePosts, type AnalyzeLine } from '../../src/cli/analyze-command.ts';
import { AKASHML, OTHER_AKASH_NEWS } from '../domain/story-fixtures.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'radar-analyze-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(args: string[], stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const code = await analyzeCommand(args, { env: {}, out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin });
  return { code, out, err };
}

const BASE = Date.parse('2025-02-18T09:00:00Z');
const jsonl = (posts: typeof AKASHML) =>
  posts.map((p) => JSON.stringify({ id: p.id, title: p.title, text: p.text, url: p.url, published: new Date(BASE + p.hour * 3_600_000).toISOString(), lang: p.lang })).join('\n');

describe('radar analyze', () => {
  it('GIVEN a JSON lines file THEN prints one JSON line per post, with one story id for the translations', async () => {
    const file = path.join(dir, 'posts.jsonl');
    await writeFile(file, `${jsonl([...AKASHML, ...OTHER_AKASH_NEWS])}\n`);
    const { code, out, err } = await run([file, '--json']);
    expect({ code, err }).toEqual({ code: 0, err: [] });
    const lines = out.map((l) => JSON.parse(l) as AnalyzeLine);
    expect(lines.map((l) => [l.id, l.language, l.story])).toEqual([
      ['en', 'en', 'en'],
      ['pt', 'pt', 'en'],
      ['it', 'it', 'en'],
      ['id', 'id', 'en'],
      ['fr', 'fr', 'en'],
      ['es', 'es', 'en'],
      ['de', 'de', 'en'],
      ['zh', 'zh', 'en'],
      ['ja', 'ja', 'en'],
      ['inflation-vote', 'en', 'inflation-vote'],
      ['unlock-pt', 'pt', 'unlock-pt'],
      ['advisory', 'en', 'advisory'],
    ]);
    expect(lines[0]).toEqual({
      id: 'en',
      language: 'en',
      themes: [
        { id: 'gpu-compute', score: 2, matches: [{ text: 'decentralized GPU', lang: 'en' }, { text: 'GPU marketplace', lang: 'en' }] },
        { id: 'training-to-inference', score: 1.5, matches: [{ text: 'inference costs', lang: 'en' }] },
      ],
      tokens: [{ symbol: 'AKT', matches: expect.arrayContaining([{ text: 'Akash Network', lang: 'any' }, { text: 'AKT', lang: 'any' }]) }],
      sentiment: { score: expect.any(Number), label: expect.stringMatching(/^(positive|neutral|negative)$/) },
      story: 'en',
    });
    expect(lines.find((l) => l.id === 'pt')!.themes.map((t) => t.matches.map((m) => m.lang))).toEqual([['pt'], ['pt']]);
  });

  it('GIVEN a plain text file THEN it is one post: first line the title, the rest the text', async () => {
    const file = path.join(dir, 'note.txt');
    await writeFile(file, 'NEAR rose 5% after the AI agents launch\n\nThe NEAR Protocol foundation says the launch is near.\n');
    const { code, out } = await run([file, '--json']);
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const line = JSON.parse(out[0]!) as AnalyzeLine;
    expect(line).toMatchObject({ id: 'note.txt', language: 'en', story: 'note.txt' });
    expect(line.themes.map((t) => t.id)).toEqual(['ai-agents']);
    expect(line.tokens).toEqual([{ symbol: 'NEAR', matches: [{ text: 'NEAR', lang: 'any' }, { text: 'NEAR Protocol', lang: 'any' }] }]);
  });

  it('GIVEN no file THEN reads standard input', async () => {
    const { code, out } = await run(['--json'], '{"id": 7, "title": "$RNDR and #DecentralizedAI", "lang": "en"}\n');
    expect(code).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({
      id: '7',
      tokens: [{ symbol: 'RENDER', matches: [{ text: '$RNDR', lang: 'any' }] }],
      themes: [{ id: 'decentralized-inference', matches: [{ text: 'DecentralizedAI', lang: 'en' }] }],
    });
  });

  it('GIVEN no --json THEN explains why each theme and token matched, and the stories', async () => {
    const file = path.join(dir, 'explain.jsonl');
    await writeFile(file, jsonl([AKASHML[0]!, AKASHML[1]!]));
    const { code, out } = await run([file]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('── en: Akash Network launches AkashML to cut AI inference costs by 70%');
    expect(text).toContain('language   en (detected');
    expect(text).toContain('"inference costs" in the title: phrase "inference costs" [en]');
    expect(text).toContain('"AKT" in the text: ticker');
    expect(text).toMatch(/story {6}en \(joined: evidence [\d.]+, overlap [\d.]+; shares pct:70/);
    expect(out.at(-1)).toBe('2 posts, 1 story; in several languages: en (en, pt)');
  });

  it('GIVEN invalid lines and a missing file THEN reports each with its place, analyzes the rest, exits 1', async () => {
    const file = path.join(dir, 'broken.jsonl');
    await writeFile(file, '{"id":"a","title":"zkML is here"}\n{"id":"b"\n{"title":"no id"}\n');
    const { code, out, err } = await run([file, path.join(dir, 'missing.jsonl'), '--json']);
    expect(code).toBe(1);
    expect(out.map((l) => (JSON.parse(l) as AnalyzeLine).id)).toEqual(['a']);
    expect(err).toEqual([
      expect.stringMatching(/broken\.jsonl:2: not JSON/),
      expect.stringMatching(/broken\.jsonl:3: id: /),
      expect.stringMatching(/missing\.jsonl: cannot read: ENOENT/),
    ]);
  });

  it('GIVEN CONFIG_DIR with a broken pattern THEN the config error stops the command', async () => {
    const cfg = path.join(dir, 'cfg');
    await writeFile(path.join(dir, 'p.txt'), 'x');
    const { mkdir, copyFile } = await import('node:fs/promises');
    await mkdir(cfg, { recursive: true });
    for (const f of ['feeds.yaml', 'tokens.yaml', 'alerts.yaml']) await copyFile(path.join('config', f), path.join(cfg, f));
    await writeFile(path.join(cfg, 'themes.yaml'), 'themes:\n  - id: t\n    name: T\n    keywords: { en: [x] }\n    patterns: ["(a+)\\\\1"]\n');
    await expect(analyzeCommand([path.join(dir, 'p.txt')], { env: { CONFIG_DIR: cfg }, out: () => {}, err: () => {}, readStdin: async () => '' })).rejects.toThrow(
      /themes\.yaml:5:\d+ +themes\[0\]\.patterns\[0\]\.regex: not a valid RE2 regular expression/,
    );
  });
});

describe('parsePosts', () => {
  it.each([
    ['published as epoch ms', '{"id":"a","title":"t","published":1700000000000}', { id: 'a', title: 't', text: '', publishedAt: 1_700_000_000_000 }],
    ['published as ISO', '{"id":"a","text":"body","published":"2025-02-20T14:00:00Z"}', { id: 'a', title: '', text: 'body', publishedAt: Date.parse('2025-02-20T14:00:00Z') }],
    ['a BOM and CRLF in plain text', '\uFEFFTitle line\r\nBody line\r\n', { id: 'in.txt', title: 'Title line', text: 'Body line' }],
  ])('GIVEN %s THEN reads the post', (_case, content, expected) => {
    expect(parsePosts(content, 'in.txt').posts).toEqual([expect.objectContaining(expected)]);
  });
});
