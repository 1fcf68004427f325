/**
 * The alert settings admins may change from chat, by friendly name, with the
 * config key each one overrides and how its value is written and shown
 * ("12%", "4h"). Anything not listed here cannot be changed from chat.
 */
import type { AppConfig } from '../../config/load-config.ts';
import { formatWindow } from '../../domain/time.ts';

export type ParsedValue = { ok: true; value: number } | { ok: false; message: string };

export interface SettingSpec {
  /** What admins type, e.g. "cooldown" or "threshold:24h". */
  name: string;
  /** The override key. */
  key: string;
  description: string;
  /** What a valid value looks like, for error messages. */
  example: string;
  parse(input: string): ParsedValue;
  format(value: unknown): string;
}

const NUMBER = /^[+]?(\d+(\.\d+)?|\.\d+)$/;

/** "12%" or "0.12" → 0.12. A bare number of 1 or more is refused: "5" could mean 5% or 500%. */
export function parseFraction(input: string): ParsedValue {
  const text = input.trim();
  if (text.endsWith('%') && NUMBER.test(text.slice(0, -1))) return { ok: true, value: Math.round(Number(text.slice(0, -1)) * 1000) / 100_000 };
  if (NUMBER.test(text) && Number(text) < 1) return { ok: true, value: Number(text) };
  return { ok: false, message: `"${input}" is not a percentage: write it as 12% or 0.12` };
}

const UNIT_MINUTES: Record<string, number> = { m: 1, min: 1, h: 60, d: 1440 };

/** "90m", "4h", "1d" or a bare number of minutes → minutes. */
export function parseMinutes(input: string): ParsedValue {
  const m = /^(\d+(?:\.\d+)?)\s*(m|min|h|d)?$/i.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a duration: write it as 90m, 4h or 1d` };
  return { ok: true, value: Number(m[1]) * UNIT_MINUTES[(m[2] ?? 'm').toLowerCase()]! };
}

/** "24h", "2d" or a bare number of hours → hours. */
export function parseHours(input: string): ParsedValue {
  const m = /^(\d+(?:\.\d+)?)\s*(h|d)?$/i.exec(input.trim());
  if (!m) return { ok: false, message: `"${input}" is not a number of hours: write it as 24h or 2d` };
  return { ok: true, value: Number(m[1]) * ((m[2] ?? 'h').toLowerCase() === 'd' ? 24 : 1) };
}

export function parseNumber(input: string): ParsedValue {
  const text = input.trim().replace(/^x|x$/i, '');
  return NUMBER.test(text) ? { ok: true, value: Number(text) } : { ok: false, message: `"${input}" is not a number` };
}

const pct = (v: unknown) => (typeof v === 'number' ? `${Math.round(v * 100_000) / 1000}%` : String(v));
const minutes = (v: unknown) => (typeof v === 'number' ? (v % 60 === 0 && v > 0 ? `${v / 60}h` : `${v}m`) : String(v));
const hours = (v: unknown) => (typeof v === 'number' ? `${v}h` : String(v));
const plain = (v: unknown) => String(v);

/** "24h" / "1440" / "1d" → the window in minutes, when `config` has such a window. */
function windowMinutes(config: AppConfig, label: string): number | undefined {
  const parsed = parseMinutes(/^\d+$/.test(label) ? `${label}m` : label);
  if (!parsed.ok) return undefined;
  return config.alerts.market.windows.find((w) => w.minutes === parsed.value)?.minutes;
}

/** Every setting admins may change, thresholds included for each window configured in alerts.yaml. */
export function settingSpecs(config: AppConfig): SettingSpec[] {
  const thresholds: SettingSpec[] = config.alerts.market.windows.map((w) => ({
    name: `threshold:${formatWindow(w.minutes)}`,
    key: `alerts.market.windows[minutes=${w.minutes}].threshold`,
    description: `move size that alerts over ${formatWindow(w.minutes)}`,
    example: '12%',
    parse: parseFraction,
    format: pct,
  }));
  return [
    ...thresholds,
    { name: 'abnormal', key: 'alerts.market.abnormalThreshold', description: 'return vs BTC that is a move on its own', example: '12%', parse: parseFraction, format: pct },
    { name: 'min-z', key: 'alerts.market.minZ', description: 'minimum z-score of a move (0 turns the filter off)', example: '2', parse: parseNumber, format: plain },
    { name: 'cooldown', key: 'alerts.moves.cooldownMinutes', description: 'quiet time per token and direction after an alert', example: '4h', parse: parseMinutes, format: minutes },
    { name: 'escalation', key: 'alerts.moves.escalationFactor', description: 'how much bigger a move must grow to alert again in its cooldown', example: '1.5', parse: parseNumber, format: (v) => `×${String(v)}` },
    { name: 'rearm', key: 'alerts.moves.rearmFraction', description: 'share of the threshold a return must fall below before the same window alerts again', example: '50%', parse: parseFraction, format: pct },
    { name: 'story-score', key: 'alerts.stories.minThemeScore', description: 'theme score that makes a post a story alert', example: '2', parse: parseNumber, format: plain },
    { name: 'story-max-age', key: 'alerts.stories.maxAgeHours', description: 'older posts are stored but not alerted', example: '48h', parse: parseHours, format: hours },
    { name: 'catalyst-score', key: 'alerts.correlation.minScore', description: 'below this a move has "no catalyst found"', example: '0.15', parse: parseNumber, format: plain },
    { name: 'catalyst-lookback', key: 'alerts.correlation.lookbackHours', description: 'how far before a move posts count as catalysts', example: '24h', parse: parseHours, format: hours },
  ];
}

/** The setting an admin named ("cooldown", "threshold:24h", "threshold 1d"), if any. */
export function findSetting(config: AppConfig, name: string): SettingSpec | undefined {
  const normalized = name.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const threshold = /^threshold[:-](.+)$/.exec(normalized);
  if (threshold) {
    const minutesOf = windowMinutes(config, threshold[1]!);
    return minutesOf === undefined ? undefined : settingSpecs(config).find((s) => s.name === `threshold:${formatWindow(minutesOf)}`);
  }
  return settingSpecs(config).find((s) => s.name === normalized);
}

export const MUTED_TOKENS_KEY = 'alerts.moves.muted';
export const MUTED_THEMES_KEY = 'alerts.stories.muted';
