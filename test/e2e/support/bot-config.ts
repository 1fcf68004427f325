/**
 * A config directory for a bot process under test: the bundled config/ with
 * its feeds on a loopback host, every token priced on the (fake) Binance,
 * and schedules short enough for a test.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { DEFAULT_CONFIG_DIR } from '../../../src/config/paths.ts';

export interface TestFeed {
  id: string;
  name: string;
  url: string;
}

export interface TestConfigOptions {
  feeds: readonly TestFeed[];
  /**
   * feeds.yaml `pollMinutes`: fractions are allowed, and with a seconds-level
   * cron (`schedule.feeds`) a feed is polled every `pollMinutes × 60` seconds.
   */
  pollMinutes: number;
  /** alerts.yaml `schedule`: node-cron expressions, six fields for seconds. */
  schedule: { feeds: string; prices: string; deliver: string; digests: string };
  /** alerts.yaml `delivery.digestAfter` (0: every alert is sent on its own). */
  digestAfter: number;
}

type Yaml = Record<string, unknown>;

const read = (name: string) => parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, name), 'utf8')) as Yaml;

/** Write the config files into `dir` (which must exist). */
export function writeTestConfig(dir: string, options: TestConfigOptions): void {
  copyFileSync(path.join(DEFAULT_CONFIG_DIR, 'themes.yaml'), path.join(dir, 'themes.yaml'));

  const feeds = read('feeds.yaml');
  feeds.defaults = { ...(feeds.defaults as Yaml), pollMinutes: options.pollMinutes, timeoutSeconds: 5 };
  feeds.feeds = options.feeds.map((f) => ({ id: f.id, name: f.name, url: f.url, language: 'en' }));
  writeFileSync(path.join(dir, 'feeds.yaml'), stringify(feeds));

  // Only the loopback Binance answers in a test: no token may fall back to another venue.
  const tokens = read('tokens.yaml');
  tokens.tokens = (tokens.tokens as Yaml[]).map((t) => ({ ...t, venues: ['binance'] }));
  writeFileSync(path.join(dir, 'tokens.yaml'), stringify(tokens));

  const alerts = read('alerts.yaml');
  alerts.schedule = options.schedule;
  alerts.delivery = { ...(alerts.delivery as Yaml), digestAfter: options.digestAfter };
  alerts.destinations = [];
  writeFileSync(path.join(dir, 'alerts.yaml'), stringify(alerts));
}
