/**
 * The neutral alert model: what the bot has to say, independent of where it
 * is said. Renderers (console, Discord, Telegram) turn an {@link AlertView}
 * into their own format and apply their own escaping and length limits.
 */
import type { Catalyst } from './correlation.ts';
import { formatPercent, type Move } from './moves.ts';
import type { SentimentLabel } from './sentiment.ts';
import { formatDuration, formatWindow } from './time.ts';

export type Severity = 'low' | 'medium' | 'high';

interface AlertBase {
  /** Dedup key: the same key is never queued twice. */
  key: string;
  createdAt: number;
  severity: Severity;
  /** Why the policy let it through, shown in the footer and /why. */
  reason: string;
}

export interface MoveAlert extends AlertBase {
  kind: 'move';
  move: Move;
  catalysts: Catalyst[];
}

export interface StoryAlert extends AlertBase {
  kind: 'story';
  story: {
    id: string;
    title: string;
    url: string;
    source: string;
    publishedAt: number;
    languages: string[];
    sources: number;
  };
  themes: { id: string; name: string; score: number }[];
  tokens: string[];
  sentiment: { score: number; label: SentimentLabel };
}

export interface NoticeAlert extends AlertBase {
  kind: 'notice';
  title: string;
  text: string;
}

export type Alert = MoveAlert | StoryAlert | NoticeAlert;

export interface AlertView {
  kind: Alert['kind'];
  severity: Severity;
  title: string;
  url?: string;
  /** One or two sentences: the alert in brief. */
  summary: string;
  fields: { name: string; value: string }[];
  footer: string;
}

const SENTIMENT_WORD: Record<SentimentLabel, string> = { positive: 'bullish', neutral: 'neutral', negative: 'bearish' };

/** "TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)". */
export function describeMove(move: Move): string {
  let text = `${move.symbol} ${formatPercent(move.return)} in ${formatWindow(move.windowMinutes)}`;
  if (move.abnormalVsBtc !== undefined) text += `, abnormal ${formatPercent(move.abnormalVsBtc)} vs BTC`;
  if (move.z !== undefined) text += ` (z ${move.z.toFixed(1)})`;
  return text;
}

function describeCatalyst(c: Catalyst, move: Move): string {
  const lead = move.startedAt - c.publishedAt;
  const when = lead >= 0 ? `${formatDuration(lead)} earlier` : `${formatDuration(-lead)} after the move began`;
  const themes = c.themes.length > 0 ? `, themes: ${c.themes.slice(0, 3).join(', ')}` : '';
  return `"${c.title}" (${c.source}), ${when}${themes}`;
}

/** Build the platform-neutral view of an alert. Pure. */
export function viewAlert(alert: Alert): AlertView {
  switch (alert.kind) {
    case 'move': {
      const { move, catalysts } = alert;
      const top = catalysts[0];
      const summary = top
        ? `${describeMove(move)}; likely catalyst: ${describeCatalyst(top, move)}.`
        : `${describeMove(move)}; no catalyst found in the recent posts.`;
      const fields = [
        { name: 'Price', value: `${formatPrice(move.fromPrice)} → ${formatPrice(move.toPrice)}` },
      ];
      if (move.benchmarkReturn !== undefined) fields.push({ name: 'BTC', value: formatPercent(move.benchmarkReturn) });
      catalysts.slice(0, 3).forEach((c, i) => {
        fields.push({
          name: i === 0 ? 'Likely catalyst' : 'Also relevant',
          value: `${describeCatalyst(c, move)} · score ${c.score.toFixed(2)} · ${c.reasons.join('; ')}\n${c.url}`,
        });
      });
      return {
        kind: 'move',
        severity: alert.severity,
        title: describeMove(move),
        url: top?.url,
        summary,
        fields,
        footer: `Move alert · ${alert.reason}`,
      };
    }
    case 'story': {
      const { story } = alert;
      const also = story.languages.slice(1);
      const fields = [
        { name: 'Themes', value: alert.themes.map((t) => `${t.name} (${t.score})`).join(', ') || '—' },
        { name: 'Tokens', value: alert.tokens.join(', ') || '—' },
        { name: 'Sentiment', value: `${SENTIMENT_WORD[alert.sentiment.label]} (${alert.sentiment.score.toFixed(2)})` },
      ];
      if (also.length > 0 || story.sources > 1) {
        fields.push({ name: 'Coverage', value: `${also.length > 0 ? `also in: ${also.join(', ')} · ` : ''}${story.sources} source${story.sources === 1 ? '' : 's'}` });
      }
      return {
        kind: 'story',
        severity: alert.severity,
        title: story.title,
        url: story.url,
        summary: `New from ${story.source}: ${alert.themes.map((t) => t.name).join(', ') || 'tracked tokens'}.`,
        fields,
        footer: `Story alert · ${alert.reason}`,
      };
    }
    case 'notice':
      return { kind: 'notice', severity: alert.severity, title: alert.title, summary: alert.text, fields: [], footer: `Admin notice · ${alert.reason}` };
  }
}

/** Prices span 5 orders of magnitude across tokens; keep 4 significant digits. */
export function formatPrice(price: number): string {
  if (price >= 1000) return price.toFixed(0);
  return Number(price.toPrecision(4)).toString();
}

/** Plain text of a view, for the console and logs. */
export function viewToPlainText(view: AlertView): string {
  const lines = [`[${view.severity.toUpperCase()}] ${view.title}`];
  if (view.url) lines.push(view.url);
  lines.push(view.summary);
  for (const f of view.fields) lines.push(`  ${f.name}: ${f.value.replace(/\n/g, '\n    ')}`);
  lines.push(`  — ${view.footer}`);
  return lines.join('\n');
}
