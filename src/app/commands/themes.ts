/** /themes and /digest: narrative mindshare and sentiment, and the digest on demand. */
import { digestLabels, digestSections } from '../../domain/digest.ts';
import { formatPercent } from '../../domain/moves.ts';
import { collectDigest, currentThemeStats } from '../digest.ts';
import { reply, type CommandContext, type CommandDeps, type Reply } from './types.ts';

/** The label language of the chat: its subscription's, else English. */
function languageOf(ctx: CommandContext, deps: CommandDeps): string {
  return (ctx.destination && deps.rt.store.getSubscription(ctx.destination)?.language) || 'en';
}

const points = (delta: number) => {
  const pts = (delta * 100).toFixed(1);
  return delta >= 0 ? `+${pts} pts` : `−${pts.slice(1)} pts`;
};

/** Mindshare and sentiment per theme over the last 24h, with the change from the 24h before. */
export function resolveThemes(ctx: CommandContext, deps: CommandDeps): Reply {
  const stats = currentThemeStats(deps.rt);
  if (stats.length === 0) {
    return reply('empty', 'No themed posts in the last 24 hours', { text: 'Themes appear here once feeds have been polled and posts tagged.' });
  }
  const l = digestLabels(languageOf(ctx, deps));
  const posts = stats.reduce((n, s) => n + s.posts, 0);
  return reply('ok', 'Crypto-AI narratives, last 24h', {
    text: `${stats.length} themes across ${posts} theme mentions.`,
    fields: stats.slice(0, 10).map((s) => ({
      name: s.name,
      value: `${l.mindshare} ${formatPercent(s.share).slice(1)} (${points(s.share - s.previousShare)}) · ${l.tone[s.label]} (${s.sentiment.toFixed(2)}) · ${s.posts} ${l.posts}`,
    })),
    footer: 'Mindshare: share of all theme mentions; change vs the previous 24h. Sentiment: mean market tone, −1 to 1.',
  });
}

/** The digest of the last 24 hours, now, in the chat's label language. */
export function resolveDigest(ctx: CommandContext, deps: CommandDeps): Reply {
  const language = languageOf(ctx, deps);
  const digest = collectDigest(deps.rt);
  const sections = digestSections(digest, language);
  return reply('ok', `${digestLabels(language).title} · last 24h`, {
    fields: sections.map((s) => ({ name: s.name, value: s.lines.join('\n') })),
    footer: 'Subscribe to a daily digest with /subscribe digest 09:00',
  });
}
