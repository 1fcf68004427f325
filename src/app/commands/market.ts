/** /price and /why: answered from the store alone (stored candles, stored move alerts), never from an exchange. */
import { viewAlert, formatPrice } from '../../domain/alert.ts';
import { timeframeMs } from '../../domain/candles.ts';
import { formatPercent } from '../../domain/moves.ts';
import { DAY_MS, formatDuration, formatWindow } from '../../domain/time.ts';
import { findToken, knownTokens } from './topics.ts';
import { reply, type CommandDeps, type Reply } from './types.ts';

function unknownToken(deps: CommandDeps, input: string): Reply {
  return reply('invalid', `"${input}" is not a tracked token`, { text: `Tracked tokens: ${knownTokens(deps.rt.config)}.` });
}

const isoMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** The latest stored close and its change over the 24 hours before it. */
export function resolvePrice(args: { token: string }, deps: CommandDeps): Reply {
  const { rt } = deps;
  const token = findToken(rt.config, args.token);
  if (!token) return unknownToken(deps, args.token);
  const { timeframe } = rt.config.alerts.market;
  const last = rt.store.lastCandleTime(token.symbol, timeframe);
  if (last === undefined) {
    return reply('empty', `No price stored for ${token.symbol} yet`, { text: 'Prices are stored on every price cycle (every few minutes after start); try again shortly.' });
  }
  const candles = rt.store.candles(token.symbol, timeframe, last - DAY_MS);
  const latest = candles.at(-1)!;
  const first = candles[0]!;
  const spanMs = latest.time - first.time;
  const now = rt.clock.now();
  const fields = [
    {
      name: spanMs >= DAY_MS ? '24h change' : `Change over ${formatDuration(spanMs)} (less history stored)`,
      value: spanMs > 0 ? formatPercent(latest.close / first.close - 1) : '—',
    },
    { name: '24h range', value: `${formatPrice(Math.min(...candles.map((c) => c.low)))} – ${formatPrice(Math.max(...candles.map((c) => c.high)))}` },
    { name: 'Latest candle', value: `${timeframe} opened ${isoMinute(latest.time)} (${formatDuration(now - latest.time)} ago)` },
  ];
  const stale = now - latest.time > 3 * timeframeMs(timeframe);
  return reply('ok', `${token.symbol} ${formatPrice(latest.close)} ${rt.config.tokens.quote}`, {
    text: stale ? `${token.name}. The latest stored price is old: the price cycle may be failing (see the logs).` : token.name,
    fields,
    footer: 'From the stored candles; no exchange is called.',
  });
}

/** The latest move alert for a token: the move, its numbers, and the posts that probably caused it. */
export function resolveWhy(args: { token: string }, deps: CommandDeps): Reply {
  const { rt } = deps;
  const token = findToken(rt.config, args.token);
  if (!token) return unknownToken(deps, args.token);
  const alert = rt.store.latestMoveAlert(token.symbol);
  if (!alert) {
    return reply('empty', `No move alert for ${token.symbol} yet`, {
      text: `Narrative Radar explains moves that crossed the alert thresholds (${rt.config.alerts.market.windows.map((w) => `${formatPercent(w.threshold, 0).slice(1)} in ${formatWindow(w.minutes)}`).join(', ')}); ${token.symbol} has not had one.`,
    });
  }
  const view = viewAlert(alert);
  const { move } = alert;
  const numbers = [
    { name: 'Alerted', value: `${formatDuration(rt.clock.now() - alert.createdAt)} ago · ${alert.severity} severity` },
    { name: 'Return', value: `${formatPercent(move.return)} in ${formatWindow(move.windowMinutes)}` },
    ...(move.abnormalVsBtc !== undefined ? [{ name: 'Abnormal vs BTC', value: formatPercent(move.abnormalVsBtc) }] : []),
    ...(move.z !== undefined ? [{ name: 'z-score', value: move.z.toFixed(1) }] : []),
    { name: 'Why it alerted', value: move.reasons.join('; ') || alert.reason },
  ];
  // viewAlert's own Price/BTC/catalyst fields follow: the same words as the alert people saw.
  return reply('ok', view.title, { url: view.url, text: view.summary, fields: [...numbers, ...view.fields], footer: view.footer });
}
