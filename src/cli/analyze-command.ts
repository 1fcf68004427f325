/**
 * `radar analyze [FILE...] [--json]`: what the bot makes of posts, and why.
 * Admins use it to see which phrase tagged a theme, why a ticker counted (or
 * did not), which language was detected, and which posts form one story.
 * Runs the same pure analysis as the bot on the bundled config (or
 * CONFIG_DIR / --config), with no database and no network.
 *
 * Input: JSON lines `{id, title, text, url?, published?, source?, lang?}`, or
 * any other file as one post (first line the title, the rest the text);
 * standard input when no file is given.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { analyzePost, detectPostLanguage } from '../app/analyze-posts.ts';
import type { PostAnalysis } from '../app/store.ts';
import { loadConfig } from '../config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../config/paths.ts';
import type { LanguageDetection } from '../domain/language.ts';
import { clusterStories, storyFeatures, type ClusterAssignment } from '../domain/stories.ts';
import { compileTagger, type Match } from '../domain/tagging.ts';
import { foldTerm } from '../domain/text.ts';

export const ANALYZE_USAGE = 'usage: radar analyze [FILE...] [--json] [--config DIR]   (reads standard input when no FILE is given)';

export interface AnalyzeIo {
  env: { CONFIG_DIR?: string };
  out: (line: string) => void;
  err: (line: string) => void;
  /** All of standard input, read when no file is given. */
  readStdin: () => Promise<string>;
}

/** One input post, as read. */
export interface InputPost {
  id: string;
  title: string;
  text: string;
  url?: string;
  /** Epoch ms. */
  publishedAt?: number;
  source?: string;
  lang?: string;
}

/** One output line of `--json`. */
export interface AnalyzeLine {
  id: string;
  language: string;
  themes: { id: string; score: number; matches: { text: string; lang: string }[] }[];
  tokens: { symbol: string; matches: { text: string; lang: string }[] }[];
  sentiment: { score: number; label: string };
  /** Same id for posts of one story within the run: the id of its earliest post. */
  story: string;
}

const published = z.union([
  z.number().finite(),
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date: use ISO 8601, e.g. "2025-02-20T14:00:00Z"'),
]);

const jsonPost = z
  .object({
    id: z.union([z.string().min(1), z.number()]),
    title: z.string().default(''),
    text: z.string().default(''),
    url: z.string().optional(),
    published: published.optional(),
    source: z.string().optional(),
    lang: z.string().optional(),
  })
  .passthrough()
  .refine((p) => p.title.trim() !== '' || p.text.trim() !== '', 'a post needs a title or a text');

/**
 * Read posts from one input: JSON lines when its first non-empty line is a
 * JSON object, else the whole input as one post. Lines that are not valid
 * posts are reported as `name:line: reason` and skipped.
 */
export function parsePosts(content: string, name: string): { posts: InputPost[]; problems: string[] } {
  const lines = content.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '')?.trim();
  if (first === undefined) return { posts: [], problems: [`${name}: empty input`] };
  if (!looksLikeJsonObject(first)) {
    const [title = '', ...rest] = content.replace(/^\uFEFF/, '').trimStart().split(/\r?\n/);
    return { posts: [{ id: path.basename(name), title: title.trim(), text: rest.join('\n').trim() }], problems: [] };
  }
  const posts: InputPost[] = [];
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line.replace(/^\uFEFF/, ''));
    } catch (err) {
      problems.push(`${name}:${i + 1}: not JSON (${(err as Error).message})`);
      return;
    }
    const parsed = jsonPost.safeParse(value);
    if (!parsed.success) {
      problems.push(`${name}:${i + 1}: ${parsed.error.issues.map((x) => `${x.path.join('.') || 'post'}: ${x.message}`).join('; ')}`);
      return;
    }
    const p = parsed.data;
    posts.push({
      id: String(p.id),
      title: p.title,
      text: p.text,
      url: p.url,
      publishedAt: p.published === undefined ? undefined : typeof p.published === 'number' ? p.published : Date.parse(p.published),
      source: p.source,
      lang: p.lang,
    });
  });
  return { posts, problems };
}

/** A first line that opens an object means JSON lines, even if that line is broken (it is reported). */
function looksLikeJsonObject(line: string): boolean {
  return line.replace(/^\uFEFF/, '').startsWith('{');
}

interface Analyzed {
  post: InputPost;
  detection: LanguageDetection;
  analysis: PostAnalysis;
  story: ClusterAssignment;
}

/** Run `radar analyze`; returns the exit code (1 when an input could not be read or had invalid lines). */
export async function analyzeCommand(args: string[], io: AnalyzeIo): Promise<number> {
  let values: { json?: boolean; config?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { json: { type: 'boolean', default: false }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (err) {
    io.err(`${(err as Error).message}\n${ANALYZE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(ANALYZE_USAGE);
    return 0;
  }

  const config = await loadConfig(values.config ?? io.env.CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
  const tagger = compileTagger(config.taxonomy);
  for (const problem of tagger.problems) io.err(`themes.yaml: ${problem} (skipped)`);

  let failed = false;
  const posts: InputPost[] = [];
  const inputs = positionals.length > 0 ? positionals : ['-'];
  for (const input of inputs) {
    let content: string;
    try {
      content = input === '-' ? await io.readStdin() : await readFile(input, 'utf8');
    } catch (err) {
      io.err(`${input}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      failed = true;
      continue;
    }
    const { posts: read, problems } = parsePosts(content, input === '-' ? 'stdin' : input);
    for (const p of problems) io.err(p);
    if (problems.length > 0) failed = true;
    posts.push(...read);
  }

  const analyzed = analyzeAll(tagger, posts);
  for (const a of analyzed) {
    if (values.json) io.out(JSON.stringify(toLine(a)));
    else for (const line of explain(a, config.taxonomy.themes)) io.out(line);
  }
  if (!values.json) io.out(summary(analyzed));
  return failed ? 1 : 0;
}

function analyzeAll(tagger: ReturnType<typeof compileTagger>, posts: readonly InputPost[]): Analyzed[] {
  const partial = posts.map((post, index) => {
    const input = { title: post.title, text: post.text, lang: post.lang };
    const detection = detectPostLanguage(input);
    const analysis = analyzePost(tagger, input);
    const features = storyFeatures({ title: post.title, text: post.text, url: post.url, language: analysis.language }, analysis);
    // Keys by position: ids in hand-made input may repeat.
    return { post, detection, analysis, key: String(index), features };
  });
  const stories = clusterStories(partial.map((p) => ({ id: p.key, publishedAt: p.post.publishedAt, features: p.features })));
  return partial.map((p) => {
    const assignment = stories.get(p.key) ?? { storyId: p.key };
    const first = partial[Number(assignment.storyId)]?.post.id ?? p.post.id;
    return { post: p.post, detection: p.detection, analysis: p.analysis, story: { ...assignment, storyId: first } };
  });
}

function toLine(a: Analyzed): AnalyzeLine {
  const matches = (list: Match[]) => list.map((m) => ({ text: m.text, lang: m.lang }));
  return {
    id: a.post.id,
    language: a.analysis.language,
    themes: a.analysis.themes.map((t) => ({ id: t.id, score: t.score, matches: matches(t.matches) })),
    tokens: a.analysis.tokens.map((t) => ({ symbol: t.symbol, matches: matches(t.matches) })),
    sentiment: { score: a.analysis.sentiment.score, label: a.analysis.sentiment.label },
    story: a.story.storyId,
  };
}

// ── Readable explanation ─────────────────────────────────────────────────────

const clip = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Why one match counted, in words an admin can act on. */
export function describeMatch(m: Match): string {
  const where = `in the ${m.field}`;
  const quoted = `"${m.text}"`;
  if (m.term.startsWith('/')) return `${quoted} ${where}: pattern ${m.term}`;
  if (m.term.startsWith('$')) return `${quoted} ${where}: cashtag`;
  if (m.term.startsWith('#')) return `${quoted} ${where}: hashtag in capitals`;
  if (m.context !== undefined) return `${quoted} ${where}: ticker ${m.term}, counted because of the market context "${m.context}"`;
  if (/^[A-Z0-9]+$/.test(m.term) && m.term === m.text) return `${quoted} ${where}: ticker`;
  const lang = m.lang === 'any' ? '' : ` [${m.lang}]`;
  const letters = (s: string) => foldTerm(s).replace(/[^\p{L}\p{N}]+/gu, '');
  const exact = letters(m.text) === letters(m.term.replace(/\*/g, ''));
  const how = exact ? `phrase "${m.term}"` : m.term.includes('*') ? `word ending of "${m.term}"` : `form of "${m.term}" (hashtag split or Indonesian affixes)`;
  return `${quoted} ${where}: ${how}${lang}`;
}

function describeLanguage(a: Analyzed): string {
  const d = a.detection;
  const hint = a.post.lang ? `; declared ${a.post.lang}` : '';
  switch (d.method) {
    case 'script':
      return `${d.language} (from the script${hint})`;
    case 'text':
      return `${d.language} (detected, confidence ${d.confidence.toFixed(2)}${hint})`;
    case 'hint':
      return `${d.language} (text too short or ambiguous: declared language)`;
    default:
      return `${d.language} (undetermined: text too short and no declared language)`;
  }
}

function explain(a: Analyzed, themes: readonly { id: string; minScore: number }[]): string[] {
  const { post, analysis } = a;
  const lines = [`── ${post.id}: ${clip(post.title || post.text.split('\n')[0] || '(empty)')}`];
  lines.push(`   language   ${describeLanguage(a)}`);
  const m = a.story.match;
  lines.push(
    m
      ? `   story      ${a.story.storyId} (joined: ${m.score === Number.POSITIVE_INFINITY ? 'same URL or title' : `evidence ${m.score}, overlap ${m.overlap}`}; shares ${m.reasons.slice(0, 8).join(', ')})`
      : `   story      ${a.story.storyId}${a.story.storyId === post.id ? ' (starts a story)' : ''}`,
  );
  if (analysis.themes.length === 0) lines.push('   themes     none');
  for (const t of analysis.themes) {
    const min = themes.find((x) => x.id === t.id)?.minScore;
    lines.push(`   theme      ${t.id} "${t.name}" score ${t.score}${min !== undefined ? ` (needs ${min})` : ''}`);
    for (const match of t.matches) lines.push(`                ${describeMatch(match)}`);
  }
  if (analysis.tokens.length === 0) lines.push('   tokens     none');
  for (const t of analysis.tokens) {
    lines.push(`   token      ${t.symbol} score ${t.score}`);
    for (const match of t.matches) lines.push(`                ${describeMatch(match)}`);
  }
  const s = analysis.sentiment;
  lines.push(`   sentiment  ${s.label} ${s.score >= 0 ? '+' : ''}${s.score.toFixed(2)}${s.cues.length > 0 ? ` (cues: ${s.cues.slice(0, 8).join(', ')})` : ''}`);
  return lines;
}

function summary(analyzed: readonly Analyzed[]): string {
  const stories = new Map<string, Set<string>>();
  for (const a of analyzed) {
    const langs = stories.get(a.story.storyId) ?? new Set<string>();
    langs.add(a.analysis.language);
    stories.set(a.story.storyId, langs);
  }
  const multi = [...stories.entries()].filter(([, langs]) => langs.size > 1);
  const tail = multi.length > 0 ? `; in several languages: ${multi.map(([id, langs]) => `${id} (${[...langs].join(', ')})`).join('; ')}` : '';
  return `${analyzed.length} post${analyzed.length === 1 ? '' : 's'}, ${stories.size} stor${stories.size === 1 ? 'y' : 'ies'}${tail}`;
}
