/**
 * analyze-throughput: tagging + sentiment over ~5 MB of multilingual posts,
 * single core, with the compiled tagger against a naive baseline: one
 * case-insensitive RegExp per keyword, name and ticker of the same taxonomy,
 * each run over every text. The compiled tag+sentiment figure is the path
 * production's `analyzePost` takes (language detection aside): one
 * `preparePost`, then `tagPreparedPost` and `scorePreparedSentiment` sharing it.
 *
 * Both sides score sentiment with the same scorer: its lexicon is private to
 * src/domain/sentiment.ts, and a regex-per-stem copy here would drift from it.
 * The naive side calls `scoreSentiment` on its own (it has no word scan to
 * share); tag-only and sentiment-only figures are reported too.
 * The naive tagger is timed once (tag only, ~4 s, after its warm-up pass);
 * its tag+sentiment figure adds the separately timed sentiment pass.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../src/config/paths.ts';
import { scorePreparedSentiment, scoreSentiment } from '../src/domain/sentiment.ts';
import { compileTagger, tagPost, tagPreparedPost, type Tagger } from '../src/domain/tagging.ts';
import { preparePost } from '../src/domain/text.ts';
import type { Taxonomy } from '../src/domain/taxonomy.ts';
import { corpusSource, createEvent, generatePost, LANGUAGES, pickLanguage } from './corpus.ts';
import { pick, round, seededRandom, type BenchContext } from './support.ts';

export interface AnalyzeThroughputOptions {
  /** Corpus size, UTF-8 bytes of titles and texts. */
  corpusBytes?: number;
}

const DEFAULTS = {
  corpusBytes: 5_000_000,
  /**
   * Passes over the whole corpus each implementation makes before timing. The
   * compiled path needs ~2,000 posts before V8 has optimized it: timed after
   * only 300 (as before), its first chunks ran at 1–13 MB/s against 17–19
   * warm, and its CPU time exceeded its wall time by the optimizing
   * compiler's background threads. A bot analyzes posts for weeks: its
   * throughput is the warm one. The regexp baseline gets the same warm-up.
   */
  warmupPasses: 1,
  /** Slices of the corpus over which the measurements are interleaved. */
  chunks: 8,
} as const;

interface Post {
  title: string;
  text: string;
}

export async function benchAnalyzeThroughput(ctx: BenchContext, options: AnalyzeThroughputOptions = {}): Promise<void> {
  const config = await loadConfig(DEFAULT_CONFIG_DIR);
  const corpus = buildCorpus(config.taxonomy, options.corpusBytes ?? DEFAULTS.corpusBytes);
  const bytes = corpus.reduce((n, p) => n + Buffer.byteLength(p.title) + Buffer.byteLength(p.text), 0);
  ctx.note(`analyze-throughput: ${corpus.length} posts, ${(bytes / 1e6).toFixed(2)} MB in ${LANGUAGES.length} languages`);

  const tagger = compileTagger(config.taxonomy);
  const naive = compileNaive(config.taxonomy);
  const implementations = {
    compiled: { tag: (p: Post) => tagPost(tagger, p).themes.map((t) => t.id) },
    'naive-regexp': { tag: (p: Post) => naive.tag(p) },
  };

  for (let pass = 0; pass < DEFAULTS.warmupPasses; pass++) {
    for (const post of corpus) {
      for (const impl of Object.values(implementations)) impl.tag(post);
      scoreSentiment(post);
      analyzeShared(tagger, post);
    }
  }
  // Four measurements, interleaved chunk by chunk so that other load on the machine hits them alike;
  // each keeps wall and CPU time (a single-threaded loop's CPU time does not grow when it has to share a core).
  const tasks = {
    compiledBoth: (post: Post) => analyzeShared(tagger, post),
    compiledTag: (post: Post) => implementations.compiled.tag(post).length,
    naiveTag: (post: Post) => implementations['naive-regexp'].tag(post).length,
    sentiment: (post: Post) => scoreSentiment(post).score,
  };
  const spent = Object.fromEntries(Object.keys(tasks).map((k) => [k, { wallMs: 0, cpuMs: 0 }])) as Record<keyof typeof tasks, Spent>;
  const names = Object.keys(tasks) as (keyof typeof tasks)[];
  const chunk = Math.ceil(corpus.length / DEFAULTS.chunks);
  for (let c = 0; c < DEFAULTS.chunks; c++) {
    const posts = corpus.slice(c * chunk, (c + 1) * chunk);
    for (let k = 0; k < names.length; k++) {
      const name = names[(c + k) % names.length]!;
      add(spent[name], time(() => posts.reduce((sink, post) => sink + tasks[name](post), 0)));
    }
  }
  // The naive tagger is too slow to run twice within the time budget: its tag+sentiment is its tag-only time plus sentiment's.
  const both = { compiled: spent.compiledBoth, 'naive-regexp': sum(spent.naiveTag, spent.sentiment) };
  const tagOnly = { compiled: spent.compiledTag, 'naive-regexp': spent.naiveTag };
  const rate = (t: Spent) => ({
    ms: round(t.wallMs, 1),
    cpuMs: round(t.cpuMs, 1),
    mbPerSec: round(bytes / 1e6 / (t.wallMs / 1000), 2),
    postsPerSec: round(corpus.length / (t.wallMs / 1000), 0),
    mbPerCpuSec: round(bytes / 1e6 / (t.cpuMs / 1000), 2),
  });
  for (const name of ['compiled', 'naive-regexp'] as const) {
    ctx.emit({
      bench: 'analyze-throughput',
      impl: name,
      work: 'tag+sentiment',
      ...(name === 'naive-regexp' ? { derived: 'tagOnly + sentiment' } : {}),
      posts: corpus.length,
      bytes,
      taxonomyTerms: naive.patterns,
      warmupPasses: DEFAULTS.warmupPasses,
      ...rate(both[name]),
      tagOnly: rate(tagOnly[name]),
      sentiment: rate(spent.sentiment),
    });
    ctx.note(`analyze-throughput: ${name}: ${both[name].wallMs.toFixed(0)} ms`);
  }

  // The two taggers should broadly agree (checked on a sample); a low figure would mean the baseline does different work.
  const sample = corpus.filter((_, i) => i % 8 === 0);
  let agree = 0;
  for (const post of sample) {
    const a = new Set(implementations.compiled.tag(post));
    const b = new Set(implementations['naive-regexp'].tag(post));
    if (a.size === b.size && [...a].every((id) => b.has(id))) agree++;
  }
  ctx.emit({
    bench: 'analyze-throughput',
    summary: true,
    singleCore: true,
    // On CPU time, which other load on the machine distorts least.
    speedupTagAndSentiment: round(both['naive-regexp'].cpuMs / both.compiled.cpuMs, 2),
    speedupTagOnly: round(tagOnly['naive-regexp'].cpuMs / tagOnly.compiled.cpuMs, 2),
    sentimentShareOfCompiled: round(spent.sentiment.cpuMs / spent.compiledBoth.cpuMs, 2),
    sameThemesShare: round(agree / sample.length, 3),
    sampledPosts: sample.length,
  });
}

/** Tags and sentiment of one post as `analyzePost` computes them, from one prepared reading of the text. */
function analyzeShared(tagger: Tagger, post: Post): number {
  const prepared = preparePost(post);
  return tagPreparedPost(tagger, prepared).themes.length + scorePreparedSentiment(prepared).score;
}

interface Spent {
  wallMs: number;
  cpuMs: number;
}

function time(work: () => number): Spent {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const sink = work();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  if (Number.isNaN(sink)) throw new Error('unreachable: keeps the work observable');
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function add(total: Spent, part: Spent): void {
  total.wallMs += part.wallMs;
  total.cpuMs += part.cpuMs;
}

function sum(a: Spent, b: Spent): Spent {
  return { wallMs: a.wallMs + b.wallMs, cpuMs: a.cpuMs + b.cpuMs };
}

/** Article-length posts (3–8 paragraphs), about `targetBytes` in all, in every taxonomy language. */
function buildCorpus(taxonomy: Taxonomy, targetBytes: number): Post[] {
  const random = seededRandom(5_000_000);
  const source = corpusSource(taxonomy);
  const events = Array.from({ length: 500 }, () => createEvent(random, source));
  const posts: Post[] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const g = generatePost(random, source, pick(random, events), pickLanguage(random), 3 + Math.floor(random() * 6));
    const post = { title: g.title, text: g.paragraphs.join('\n\n') };
    bytes += Buffer.byteLength(post.title) + Buffer.byteLength(post.text);
    posts.push(post);
  }
  return posts;
}

// ── Naive baseline ───────────────────────────────────────────────────────────

interface NaivePattern {
  regexp: RegExp;
  term: string;
  kind: 'theme' | 'exclude' | 'token';
  id: string;
  weight: number;
}

/** Scripts written without spaces: a word boundary means nothing there. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;

function naiveRegExp(term: string): RegExp {
  const stem = term.endsWith('*');
  const body = (stem ? term.slice(0, -1) : term).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  const tail = stem ? '[\\p{L}\\p{N}]*' : '';
  if (UNSPACED.test(term)) return new RegExp(body + tail, 'giu');
  return new RegExp(`(?<![\\p{L}\\p{N}])${body}${tail}(?![\\p{L}\\p{N}])`, 'giu');
}

/**
 * What a first version of tagging usually looks like: every keyword its own
 * case-insensitive, Unicode-aware RegExp with word boundaries, run over the
 * title and the text; distinct terms add their weight (×1.5 in the title).
 * No accent folding, no market-context rule for ambiguous tickers.
 */
function compileNaive(taxonomy: Taxonomy): { patterns: number; tag(post: Post): string[] } {
  const patterns: NaivePattern[] = [];
  for (const theme of taxonomy.themes) {
    for (const k of theme.keywords) patterns.push({ regexp: naiveRegExp(k.term), term: k.term, kind: 'theme', id: theme.id, weight: k.weight });
    for (const term of theme.exclude) patterns.push({ regexp: naiveRegExp(term), term, kind: 'exclude', id: theme.id, weight: 0 });
  }
  for (const token of taxonomy.tokens) {
    for (const term of [...token.names, token.symbol, ...token.tickers]) patterns.push({ regexp: naiveRegExp(term), term, kind: 'token', id: token.symbol, weight: 1 });
  }
  const minScore = new Map(taxonomy.themes.map((t) => [t.id, t.minScore]));
  return {
    patterns: patterns.length,
    tag(post) {
      const scores = new Map<string, Map<string, number>>();
      const excluded = new Set<string>();
      const tokens = new Set<string>();
      for (const p of patterns) {
        for (const [text, boost] of [[post.title, 1.5], [post.text, 1]] as const) {
          // Every occurrence, as the compiled tagger reports every match with its span.
          p.regexp.lastIndex = 0;
          let hits = 0;
          while (p.regexp.exec(text) !== null) hits++;
          if (hits === 0) continue;
          if (p.kind === 'exclude') excluded.add(p.id);
          else if (p.kind === 'token') tokens.add(p.id);
          else {
            const terms = scores.get(p.id) ?? new Map<string, number>();
            terms.set(p.term, Math.max(terms.get(p.term) ?? 0, p.weight * boost));
            scores.set(p.id, terms);
          }
        }
      }
      const themes: string[] = [];
      for (const [id, terms] of scores) {
        let score = 0;
        for (const w of terms.values()) score += w;
        if (!excluded.has(id) && score >= (minScore.get(id) ?? 1)) themes.push(id);
      }
      return themes;
    },
  };
}
