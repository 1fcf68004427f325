/**
 * Scheduled digest content: what happened in a period, from stored posts and move
 * alerts. Top stories by theme (with their languages and sources), the
 * biggest abnormal moves with their catalysts, and each theme's sentiment and
 * mindshare (its share of all theme mentions) with the change from the
 * period before. Pure: the caller passes the data and `now`.
 */
import { describeMove, type MoveAlert } from './alert.ts';
import type { AnalyzedPost, Catalyst } from './correlation.ts';
import { formatPercent, type Move } from './moves.ts';
import type { SentimentLabel } from './sentiment.ts';
import { formatDuration } from './time.ts';

/**
 * Scheduled digests are delivered as notices whose key starts with this, so
 * subscriptions can switch them on their own. (Flood-control digests, kind
 * 'digest', are a different thing: see flood-digest.ts.)
 */
export const SCHEDULED_DIGEST_KEY_PREFIX = 'scheduled-digest:';

/** Languages with digest and command labels. */
export const DIGEST_LANGUAGES = ['en', 'pt', 'es', 'fr', 'it', 'de', 'id'] as const;
export type DigestLanguage = (typeof DIGEST_LANGUAGES)[number];

/** Mean sentiment beyond this is called bullish or bearish (the post-level band of sentiment.ts). */
const SENTIMENT_BAND = 0.15;

export interface ThemeStat {
  id: string;
  name: string;
  /** Posts tagged with the theme in the period. */
  posts: number;
  /** Mindshare: the theme's fraction of all theme tags in the period. */
  share: number;
  /** The same over the period just before, for the change. */
  previousShare: number;
  /** Mean sentiment score of its posts in the period, in [-1, 1]; 0 without posts. */
  sentiment: number;
  label: SentimentLabel;
}

export interface DigestStory {
  storyId: string;
  title: string;
  url: string;
  source: string;
  publishedAt: number;
  languages: string[];
  /** Distinct sources carrying the story. */
  sources: number;
}

export interface DigestMove {
  move: Move;
  catalysts: Catalyst[];
  alertedAt: number;
}

export interface Digest {
  fromMs: number;
  toMs: number;
  /** Themes with their top stories, by mindshare. */
  themes: { id: string; name: string; stories: DigestStory[] }[];
  moves: DigestMove[];
  stats: ThemeStat[];
  /** Mean sentiment over every themed post in the period. */
  sector: { posts: number; sentiment: number; label: SentimentLabel };
}

export interface DigestLimits {
  themes: number;
  storiesPerTheme: number;
  moves: number;
}

export const DEFAULT_DIGEST_LIMITS: DigestLimits = { themes: 5, storiesPerTheme: 3, moves: 5 };

export interface DigestInput {
  /** End of the period (exclusive), epoch ms. */
  now: number;
  periodMs: number;
  /** Theme stats of the period when already known (the recorded narrative series); else computed from `posts`. */
  stats?: ThemeStat[];
  /** Posts from at least two periods back, so mindshare has something to change from. */
  posts: readonly AnalyzedPost[];
  /** Move alerts; those created in the period are considered. */
  moves: readonly MoveAlert[];
  limits?: DigestLimits;
}

function labelOf(score: number): SentimentLabel {
  return score > SENTIMENT_BAND ? 'positive' : score < -SENTIMENT_BAND ? 'negative' : 'neutral';
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Sentiment and mindshare per theme over [fromMs, toMs), with shares over the
 * period before. Mindshare is the language area's definition: the theme's
 * posts over all themed posts (a post with two themes counts for both, so
 * shares can add up past 1). Pure.
 */
export function themeStats(posts: readonly AnalyzedPost[], fromMs: number, toMs: number): ThemeStat[] {
  const previousFrom = fromMs - (toMs - fromMs);
  const current = new Map<string, { name: string; posts: number; sentiment: number }>();
  const previous = new Map<string, number>();
  let currentPosts = 0;
  let previousPosts = 0;
  for (const post of posts) {
    if (post.themes.length === 0) continue;
    if (post.publishedAt >= fromMs && post.publishedAt < toMs) {
      currentPosts++;
      for (const theme of post.themes) {
        const s = current.get(theme.id) ?? { name: theme.name, posts: 0, sentiment: 0 };
        s.posts++;
        s.sentiment += post.sentiment.score;
        current.set(theme.id, s);
      }
    } else if (post.publishedAt >= previousFrom && post.publishedAt < fromMs) {
      previousPosts++;
      for (const theme of post.themes) previous.set(theme.id, (previous.get(theme.id) ?? 0) + 1);
    }
  }
  return sortStats(
    [...current].map(([id, s]) => {
      const sentiment = round(s.sentiment / s.posts);
      return {
        id,
        name: s.name,
        posts: s.posts,
        share: round(s.posts / currentPosts, 4),
        previousShare: previousPosts === 0 ? 0 : round((previous.get(id) ?? 0) / previousPosts, 4),
        sentiment,
        label: labelOf(sentiment),
      };
    }),
  );
}

/** By mindshare, then id: the order /themes and the digest list themes in. */
export function sortStats(stats: ThemeStat[]): ThemeStat[] {
  return stats.sort((a, b) => b.share - a.share || a.id.localeCompare(b.id));
}

/** A theme stat from a recorded share and the theme's mean sentiment over the period. */
export function themeStat(id: string, name: string, posts: number, share: number, previousShare: number, meanSentiment: number): ThemeStat {
  const sentiment = round(meanSentiment);
  return { id, name, posts, share, previousShare, sentiment, label: labelOf(sentiment) };
}

/** A story's weight in the digest: reach first (sources, languages), then the source's weight. */
function storyRank(p: AnalyzedPost): number {
  return p.storySources * 10 + p.storyLanguages.length * 5 + p.sourceWeight;
}

/** Build the digest of the period ending at `input.now`. Pure. */
export function buildDigest(input: DigestInput): Digest {
  const limits = input.limits ?? DEFAULT_DIGEST_LIMITS;
  const toMs = input.now;
  const fromMs = toMs - input.periodMs;
  const inPeriod = input.posts.filter((p) => p.publishedAt >= fromMs && p.publishedAt < toMs && p.themes.length > 0);
  const stats = input.stats ?? themeStats(input.posts, fromMs, toMs);

  // A story is listed once, under its strongest theme, and shown as its earliest post (the original).
  const stories = new Map<string, { first: AnalyzedPost; best: AnalyzedPost; theme: string; score: number }>();
  for (const post of inPeriod) {
    const top = post.themes.reduce((a, b) => (b.score > a.score ? b : a));
    const seen = stories.get(post.storyId);
    if (!seen) stories.set(post.storyId, { first: post, best: post, theme: top.id, score: top.score });
    else {
      if (post.publishedAt < seen.first.publishedAt) seen.first = post;
      if (storyRank(post) > storyRank(seen.best)) seen.best = post;
      if (top.score > seen.score) Object.assign(seen, { theme: top.id, score: top.score });
    }
  }
  const themes = stats.slice(0, limits.themes).map((t) => ({
    id: t.id,
    name: t.name,
    stories: [...stories.values()]
      .filter((s) => s.theme === t.id)
      .sort((a, b) => storyRank(b.best) - storyRank(a.best) || a.first.publishedAt - b.first.publishedAt)
      .slice(0, limits.storiesPerTheme)
      .map(({ first, best }) => ({
        storyId: first.storyId,
        title: first.title,
        url: first.url,
        source: first.source,
        publishedAt: first.publishedAt,
        languages: best.storyLanguages,
        sources: best.storySources,
      })),
  }));

  // One entry per token: its biggest move of the period, by how abnormal it was.
  const size = (m: Move) => Math.abs(m.abnormalVsBtc ?? m.return);
  const bySymbol = new Map<string, MoveAlert>();
  for (const alert of input.moves) {
    if (alert.createdAt < fromMs || alert.createdAt >= toMs) continue;
    const seen = bySymbol.get(alert.move.symbol);
    if (!seen || size(alert.move) > size(seen.move)) bySymbol.set(alert.move.symbol, alert);
  }
  const moves = [...bySymbol.values()]
    .sort((a, b) => size(b.move) - size(a.move))
    .slice(0, limits.moves)
    .map((a) => ({ move: a.move, catalysts: a.catalysts, alertedAt: a.createdAt }));

  const sectorScore = inPeriod.length === 0 ? 0 : round(inPeriod.reduce((sum, p) => sum + p.sentiment.score, 0) / inPeriod.length);
  return { fromMs, toMs, themes, moves, stats, sector: { posts: inPeriod.length, sentiment: sectorScore, label: labelOf(sectorScore) } };
}

// ── Text ─────────────────────────────────────────────────────────────────────

export interface DigestLabels {
  title: string;
  stories: string;
  moves: string;
  sentiment: string;
  noStories: string;
  noMoves: string;
  catalyst: string;
  noCatalyst: string;
  languages: string;
  sources: string;
  mindshare: string;
  sector: string;
  posts: string;
  tone: Record<SentimentLabel, string>;
}

const LABELS: Record<DigestLanguage, DigestLabels> = {
  en: {
    title: 'Crypto-AI digest', stories: 'Top stories by theme', moves: 'Biggest abnormal moves', sentiment: 'Sentiment and mindshare',
    noStories: 'No themed stories in this period.', noMoves: 'No abnormal moves in this period.', catalyst: 'likely catalyst',
    noCatalyst: 'no catalyst found', languages: 'languages', sources: 'sources', mindshare: 'mindshare', sector: 'Sector', posts: 'posts',
    tone: { positive: 'bullish', neutral: 'neutral', negative: 'bearish' },
  },
  pt: {
    title: 'Resumo Cripto-IA', stories: 'Principais histórias por tema', moves: 'Maiores movimentos anormais', sentiment: 'Sentimento e participação',
    noStories: 'Nenhuma história temática neste período.', noMoves: 'Nenhum movimento anormal neste período.', catalyst: 'provável catalisador',
    noCatalyst: 'nenhum catalisador encontrado', languages: 'idiomas', sources: 'fontes', mindshare: 'participação', sector: 'Setor', posts: 'posts',
    tone: { positive: 'otimista', neutral: 'neutro', negative: 'pessimista' },
  },
  es: {
    title: 'Resumen Cripto-IA', stories: 'Noticias principales por tema', moves: 'Mayores movimientos anormales', sentiment: 'Sentimiento y cuota de atención',
    noStories: 'No hay noticias temáticas en este periodo.', noMoves: 'No hay movimientos anormales en este periodo.', catalyst: 'catalizador probable',
    noCatalyst: 'sin catalizador', languages: 'idiomas', sources: 'fuentes', mindshare: 'cuota', sector: 'Sector', posts: 'publicaciones',
    tone: { positive: 'alcista', neutral: 'neutral', negative: 'bajista' },
  },
  fr: {
    title: 'Résumé Crypto-IA', stories: 'Principales actualités par thème', moves: 'Plus grands mouvements anormaux', sentiment: 'Sentiment et part d’attention',
    noStories: 'Aucune actualité thématique sur la période.', noMoves: 'Aucun mouvement anormal sur la période.', catalyst: 'catalyseur probable',
    noCatalyst: 'aucun catalyseur trouvé', languages: 'langues', sources: 'sources', mindshare: 'part', sector: 'Secteur', posts: 'articles',
    tone: { positive: 'haussier', neutral: 'neutre', negative: 'baissier' },
  },
  it: {
    title: 'Riepilogo Cripto-IA', stories: 'Notizie principali per tema', moves: 'Maggiori movimenti anomali', sentiment: 'Sentiment e quota di attenzione',
    noStories: 'Nessuna notizia tematica nel periodo.', noMoves: 'Nessun movimento anomalo nel periodo.', catalyst: 'probabile catalizzatore',
    noCatalyst: 'nessun catalizzatore trovato', languages: 'lingue', sources: 'fonti', mindshare: 'quota', sector: 'Settore', posts: 'articoli',
    tone: { positive: 'rialzista', neutral: 'neutrale', negative: 'ribassista' },
  },
  de: {
    title: 'Krypto-KI-Überblick', stories: 'Top-Meldungen nach Thema', moves: 'Größte ungewöhnliche Kursbewegungen', sentiment: 'Stimmung und Aufmerksamkeit',
    noStories: 'Keine thematischen Meldungen im Zeitraum.', noMoves: 'Keine ungewöhnlichen Kursbewegungen im Zeitraum.', catalyst: 'wahrscheinlicher Auslöser',
    noCatalyst: 'kein Auslöser gefunden', languages: 'Sprachen', sources: 'Quellen', mindshare: 'Anteil', sector: 'Sektor', posts: 'Beiträge',
    tone: { positive: 'bullish', neutral: 'neutral', negative: 'bearish' },
  },
  id: {
    title: 'Ringkasan Kripto-AI', stories: 'Berita utama per tema', moves: 'Pergerakan abnormal terbesar', sentiment: 'Sentimen dan pangsa perhatian',
    noStories: 'Tidak ada berita bertema pada periode ini.', noMoves: 'Tidak ada pergerakan abnormal pada periode ini.', catalyst: 'kemungkinan pemicu',
    noCatalyst: 'pemicu tidak ditemukan', languages: 'bahasa', sources: 'sumber', mindshare: 'pangsa', sector: 'Sektor', posts: 'pos',
    tone: { positive: 'bullish', neutral: 'netral', negative: 'bearish' },
  },
};

/** Labels in `language`, English when it has none. */
export function digestLabels(language: string): DigestLabels {
  return LABELS[language as DigestLanguage] ?? LABELS.en;
}

/** "+3.0 pts" for a change of share, in percentage points. */
function formatPoints(delta: number): string {
  const pts = (delta * 100).toFixed(1);
  return delta >= 0 ? `+${pts} pts` : `−${pts.slice(1)} pts`;
}

export interface DigestSection {
  name: string;
  /** Lines of plain text; feed-derived, so renderers escape them. */
  lines: string[];
}

/** The digest as titled sections of plain lines, in the subscriber's language. Pure. */
export function digestSections(digest: Digest, language: string): DigestSection[] {
  const l = digestLabels(language);
  const storyLines = digest.themes.flatMap((t) =>
    t.stories.length === 0
      ? []
      : [
          `${t.name}:`,
          ...t.stories.map((s) => `• "${s.title}" (${s.source}) · ${s.languages.length} ${l.languages}: ${s.languages.join(', ')} · ${s.sources} ${l.sources}\n  ${s.url}`),
        ],
  );
  const moveLines = digest.moves.map(({ move, catalysts }) => {
    const top = catalysts[0];
    const cause = top
      ? `${l.catalyst}: "${top.title}" (${top.source}), ${formatDuration(move.startedAt - top.publishedAt)} ${move.startedAt >= top.publishedAt ? 'before' : 'after'}\n  ${top.url}`
      : l.noCatalyst;
    return `• ${describeMove(move)}; ${cause}`;
  });
  const statLines = [
    `${l.sector}: ${l.tone[digest.sector.label]} (${digest.sector.sentiment.toFixed(2)}) · ${digest.sector.posts} ${l.posts}`,
    ...digest.stats.map(
      (s) => `• ${s.name}: ${l.mindshare} ${formatPercent(s.share).slice(1)} (${formatPoints(s.share - s.previousShare)}) · ${l.tone[s.label]} (${s.sentiment.toFixed(2)}) · ${s.posts} ${l.posts}`,
    ),
  ];
  return [
    { name: l.stories, lines: storyLines.length > 0 ? storyLines : [l.noStories] },
    { name: l.moves, lines: moveLines.length > 0 ? moveLines : [l.noMoves] },
    { name: l.sentiment, lines: statLines },
  ];
}
