/** Tokens and themes as people type them: "$tao", "RNDR" (a former ticker), "gpu-compute", "GPU compute". */
import type { AppConfig } from '../../config/load-config.ts';
import type { TokenConfig } from '../../config/schema.ts';

export type Topic = { kind: 'token'; symbol: string } | { kind: 'theme'; id: string; name: string };

/** The tracked token a user means, by symbol or former ticker, ignoring case and a leading "$". */
export function findToken(config: AppConfig, input: string): TokenConfig | undefined {
  const wanted = input.trim().replace(/^\$/, '').toUpperCase();
  return config.tokens.tokens.find((t) => t.symbol === wanted) ?? config.tokens.tokens.find((t) => t.tickers.includes(wanted));
}

const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s_/]+/g, '-');

/** A token or a theme (by id or by name); tokens win, as "near" is more often NEAR than a theme. */
export function findTopic(config: AppConfig, input: string): Topic | undefined {
  const token = findToken(config, input);
  if (token) return { kind: 'token', symbol: token.symbol };
  const wanted = fold(input.trim());
  const theme = config.themes.themes.find((t) => t.id === wanted || fold(t.name) === wanted);
  return theme ? { kind: 'theme', id: theme.id, name: theme.name } : undefined;
}

/** "TAO, AKT, …" for messages that list what exists; benchmarks are not alertable tokens. */
export function knownTokens(config: AppConfig): string {
  return config.tokens.tokens.filter((t) => !t.benchmark).map((t) => t.symbol).join(', ');
}

export function knownThemes(config: AppConfig): string {
  return config.themes.themes.map((t) => t.id).join(', ');
}
