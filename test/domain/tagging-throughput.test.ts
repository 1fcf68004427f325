/**
 * The one-pass tagger against the obvious alternative, one RegExp per keyword,
 * name and ticker, on the bundled taxonomy and multilingual posts. Speeds are
 * compared as a ratio measured in the same process, so a busy CI machine slows
 * both sides alike; absolute MB/s are printed by `npm run bench`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { compileTagger, tagPost, type Tagger } from '../../src/domain/tagging.ts';
import type { Taxonomy } from '../../src/domain/taxonomy.ts';
import { AKASHML, OTHER_AKASH_NEWS } from './story-fixtures.ts';

let taxonomy: Taxonomy;
let tagger: Tagger;
beforeAll(async () => {
  taxonomy = (await loadConfig(DEFAULT_CONFIG_DIR)).taxonomy;
  tagger = compileTagger(taxonomy);
});

/** About 80 kB of posts in nine languages, varied so nothing is cached by accident. */
function corpus(): { title: string; text: string }[] {
  const base = [...AKASHML, ...OTHER_AKASH_NEWS];
  const posts: { title: string; text: string }[] = [];
  for (let i = 0; posts.reduce((n, p) => n + p.text.length, 0) < 80_000; i++) {
    const p = base[i % base.length]!;
    posts.push({ title: `${p.title} (${i})`, text: `${p.text} ${p.text.replace(/\d+/g, String(i))}` });
  }
  return posts;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The naive way: a case-insensitive Unicode RegExp per term, with word boundaries, each run over every text. */
function naiveRegExps(t: Taxonomy): RegExp[] {
  const terms = [
    ...t.themes.flatMap((theme) => [...theme.keywords.map((k) => k.term), ...theme.exclude]),
    ...t.tokens.flatMap((token) => [...token.names, token.symbol, ...token.tickers]),
  ];
  return terms.map((term) => {
    const stem = term.endsWith('*');
    const body = escape(term.replace(/\*/g, ''));
    return new RegExp(`(?<![\\p{L}\\p{N}])${body}${stem ? '' : '(?![\\p{L}\\p{N}])'}`, 'giu');
  });
}

function cpuMs(run: () => void, rounds: number, warmUp = true): number {
  if (warmUp) run(); // let the JIT compile the tagger first
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const started = process.cpuUsage();
    run();
    const used = process.cpuUsage(started);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe('tagging throughput', () => {
  it('GIVEN the bundled taxonomy THEN one pass is at least 10× faster than one RegExp per keyword', () => {
    const posts = corpus();
    const regexps = naiveRegExps(taxonomy);
    let sink = 0;
    const tagged = cpuMs(() => {
      for (const p of posts) sink += tagPost(tagger, p).themes.length;
    }, 5);
    const naive = cpuMs(() => {
      for (const p of posts) for (const re of regexps) for (const field of [p.title, p.text]) for (const _ of field.matchAll(re)) sink++;
    }, 1, false); // RegExps compile on first use; warming up would only double the slowest part of the test
    expect(sink).toBeGreaterThan(0);
    expect(naive / tagged).toBeGreaterThanOrEqual(10);
  });
});
