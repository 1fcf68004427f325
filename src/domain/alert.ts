/**
 * The neutral alert model: what the bot has to say, independent of where it
 * is said. Renderers (console, Discord, Telegram) turn an {@link AlertView}
 * into their own format and apply their own escaping and length limits.
 */
import type { ChartSpec } from './charts.ts';
import type { Catalyst } from './correlation.ts';
import { formatPercent, type Move } from './moves.ts';
import type { SectorMove } from './sector-moves.ts';
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
  /** Price data for a chart (see buildMoveChartSpec); sinks that can attach images draw it. */
  chart?: ChartSpec;
}

/** The AI basket moved against the market: the sector, not one token's news. */
export interface SectorAlert extends AlertBase {
  kind: 'sector';
  sector: SectorMove;
  /** Sector-wide news that may explain the move, best first (absent in alerts stored before catalysts). */
  catalysts?: Catalyst[];
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

/** One alert folded into a digest: enough to list it and to decide role mentions. */
export interface DigestItem {
  kind: Exclude<Alert['kind'], 'digest'>;
  key: string;
  severity: Severity;
  createdAt: number;
  title: string;
  url?: string;
  tokens: string[];
}

/**
 * Flood control: alerts that piled up for one destination, sent as one message
 * instead of many (see flood-digest.ts). Built by the delivery worker for that
 * destination only. Scheduled digests (digest.ts) are notices, not this.
 */
export interface DigestAlert extends AlertBase {
  kind: 'digest';
  destination: string;
  items: DigestItem[];
  chart?: ChartSpec;
}

export type Alert = MoveAlert | SectorAlert | StoryAlert | NoticeAlert | DigestAlert;

export interface AlertView {
  kind: Alert['kind'];
  severity: Severity;
  title: string;
  url?: string;
  /** One or two sentences: the alert in brief. */
  summary: string;
  fields: { name: string; value: string }[];
  footer: string;
  /** When the alert was raised, epoch ms (Discord shows it as the embed timestamp). */
  createdAt?: number;
  /** The posts the alert is about, most relevant first; a digest lists its alerts here (url absent for notices). */
  links?: { label: string; url?: string }[];
  /** Moves only: renderers colour up and down apart. */
  direction?: 'up' | 'down';
  chart?: ChartSpec;
}

const SENTIMENT_WORD: Record<SentimentLabel, string> = { positive: 'bullish', neutral: 'neutral', negative: 'bearish' };

/** "TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)": the headline; the sector comparison is a field. */
export function describeMove(move: Move): string {
  let text = `${move.symbol} ${formatPercent(move.return)} in ${formatWindow(move.windowMinutes)}`;
  if (move.abnormalVsBtc !== undefined) text += `, abnormal ${formatPercent(move.abnormalVsBtc)} vs BTC`;
  if (move.z !== undefined) text += ` (z ${move.z.toFixed(1)})`;
  return text;
}

/** "+15.2% vs the AI tokens (they moved +9.8% without TAO)", or undefined without a basket. */
export function describeVsSector(move: Move): string | undefined {
  if (move.abnormalVsSector === undefined || move.sectorReturn === undefined) return undefined;
  return `${formatPercent(move.abnormalVsSector)} vs the AI tokens (they moved ${formatPercent(move.sectorReturn)} without ${move.symbol})`;
}

/** "AI basket +6.2% vs BTC in 4h; RENDER leading (+12.0%), TAO lagging (+1.5%)". */
export function describeSectorMove(move: SectorMove): string {
  let text = `${move.symbol} ${formatPercent(move.abnormalVsBtc ?? move.return)} vs BTC in ${formatWindow(move.windowMinutes)}`;
  const leader = move.members[0];
  const laggard = move.members.at(-1);
  // "Leading" is in the direction of the move: the first member up, the last member down.
  const [lead, lag] = move.direction === 'up' ? [leader, laggard] : [laggard, leader];
  if (lead && lag && lead !== lag) text += `; ${lead.symbol} leading (${formatPercent(lead.return)}), ${lag.symbol} lagging (${formatPercent(lag.return)})`;
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
      if (move.benchmarkReturn !== undefined) fields.push({ name: 'BTC', value: `${formatPercent(move.benchmarkReturn)}${move.beta !== undefined ? ` (β ${move.beta.toFixed(2)})` : ''}` });
      const vsSector = describeVsSector(move);
      if (vsSector !== undefined) fields.push({ name: 'Sector', value: vsSector });
      catalysts.slice(0, 3).forEach((c, i) => {
        fields.push({
          name: i === 0 ? 'Likely catalyst' : 'Also relevant',
          value: `${describeCatalyst(c, move)} · score ${c.score.toFixed(2)} · ${c.reasons.join('; ')}\n${c.url}`,
        });
      });
      const themes = [...new Set(catalysts.slice(0, 3).flatMap((c) => c.themes))];
      if (themes.length > 0) fields.push({ name: 'Themes', value: themes.join(', ') });
      return {
        kind: 'move',
        severity: alert.severity,
        title: describeMove(move),
        url: top?.url,
        summary,
        fields,
        footer: `Move alert · ${alert.reason}`,
        createdAt: alert.createdAt,
        links: catalysts.slice(0, 3).map((c) => ({ label: c.title, url: c.url })),
        direction: move.direction,
        chart: alert.chart,
      };
    }
    case 'sector':
      return viewSector(alert);
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
        createdAt: alert.createdAt,
        links: [{ label: story.title, url: story.url }],
      };
    }
    case 'notice':
      return { kind: 'notice', severity: alert.severity, title: alert.title, summary: alert.text, fields: [], footer: `Admin notice · ${alert.reason}`, createdAt: alert.createdAt };
    case 'digest':
      return viewDigest(alert);
  }
}

function viewSector(alert: SectorAlert): AlertView {
  const { sector } = alert;
  const catalysts = alert.catalysts ?? [];
  const top = catalysts[0];
  const fields = [
    { name: 'Basket', value: `${formatPercent(sector.return)} (${sector.members.length} tokens)` },
    { name: 'BTC', value: formatPercent(sector.benchmarkReturn ?? 0) + (sector.beta !== undefined ? ` (β ${sector.beta.toFixed(2)})` : '') },
    { name: 'Members', value: sector.members.map((m) => `${m.symbol} ${formatPercent(m.return)}`).join(', ') || '—' },
  ];
  catalysts.slice(0, 3).forEach((c, i) => {
    fields.push({ name: i === 0 ? 'Likely catalyst' : 'Also relevant', value: `${describeCatalyst(c, sector)} · score ${c.score.toFixed(2)} · ${c.reasons.join('; ')}\n${c.url}` });
  });
  return {
    kind: 'sector',
    severity: alert.severity,
    title: describeSectorMove(sector),
    url: top?.url,
    summary: top
      ? `${describeSectorMove(sector)}: the sector moved as a whole; likely catalyst: ${describeCatalyst(top, sector)}.`
      : `${describeSectorMove(sector)}: the sector moved as a whole, and no sector-wide news was found in the recent posts.`,
    fields,
    footer: `Sector alert · ${alert.reason}`,
    createdAt: alert.createdAt,
    ...(top ? { links: catalysts.slice(0, 3).map((c) => ({ label: c.title, url: c.url })) } : {}),
    direction: sector.direction,
  };
}

/** A digest lists its alerts as links (renderers fit as many as their limits allow) and counts them by kind. */
function viewDigest(alert: DigestAlert): AlertView {
  const { items } = alert;
  const names = { move: ['move', 'moves'], sector: ['sector move', 'sector moves'], story: ['story', 'stories'], notice: ['notice', 'notices'] } as const;
  const counts = (['move', 'sector', 'story', 'notice'] as const)
    .map((kind) => [kind, items.filter((i) => i.kind === kind).length] as const)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} ${names[kind][n === 1 ? 0 : 1]}`);
  const first = items[0]?.createdAt ?? alert.createdAt;
  const last = items.at(-1)?.createdAt ?? alert.createdAt;
  const span = last - first >= 60_000 ? ` over ${formatDuration(last - first)}` : '';
  const tokens = [...new Set(items.flatMap((i) => i.tokens))];
  const fields = [{ name: 'Alerts', value: counts.join(', ') || '—' }];
  if (tokens.length > 0) fields.push({ name: 'Tokens', value: tokens.slice(0, 30).join(', ') });
  return {
    kind: 'digest',
    severity: alert.severity,
    title: `Catch-up digest: ${items.length} alert${items.length === 1 ? '' : 's'}${span}`,
    summary: `More alerts were waiting for this channel than it can take one by one, so they come together here, oldest first.`,
    fields,
    footer: `Digest · ${alert.reason}`,
    createdAt: alert.createdAt,
    links: items.map((i) => ({ label: i.title, url: i.url })),
    chart: alert.chart,
  };
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
  // A digest's alerts are its content; elsewhere the links repeat what the fields say.
  if (view.kind === 'digest') for (const link of view.links ?? []) lines.push(`  • ${link.label}${link.url ? ` ${link.url}` : ''}`);
  for (const f of view.fields) lines.push(`  ${f.name}: ${f.value.replace(/\n/g, '\n    ')}`);
  lines.push(`  — ${view.footer}`);
  return lines.join('\n');
}
