/**
 * Schemas of the admin-edited YAML files in config/. Defaults live here, in
 * one place, with units in the names; the YAML files document them for people.
 */
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes, e.g. "coindesk" or "zk-ml"');
const symbol = z.string().regex(/^[A-Z0-9]{2,12}$/, 'use the upper-case ticker, e.g. "TAO"');
const lang = z.string().regex(/^([a-z]{2,3}|any)$/, 'use a two-letter language code such as "en", "pt" or "zh", or "any"');
const httpUrl = z
  .string()
  .url('must be a full URL such as https://example.com/feed.xml')
  .refine((u) => /^https?:\/\//i.test(u), 'only http:// and https:// feeds are supported');

// ── feeds.yaml ───────────────────────────────────────────────────────────────

export const feedDefaultsSchema = z
  .object({
    pollMinutes: z.number().positive().default(15),
    timeoutSeconds: z.number().positive().max(300).default(20),
    maxBytes: z.number().int().positive().default(5_000_000),
    /** Consecutive failures after which a feed is disabled and admins told. */
    disableAfterFailures: z.number().int().positive().default(12),
    /** Cap of the exponential backoff between failed polls. */
    maxBackoffMinutes: z.number().positive().default(360),
  })
  .strict();

export const feedSchema = z
  .object({
    id,
    name: z.string().min(1),
    url: httpUrl,
    language: lang.optional(),
    pollMinutes: z.number().positive().optional(),
    enabled: z.boolean().default(true),
    /** Weight of this source in catalyst ranking; 1 is ordinary. */
    weight: z.number().positive().max(5).default(1),
  })
  .strict();

export const feedsFileSchema = z
  .object({
    defaults: feedDefaultsSchema.prefault({}),
    feeds: z.array(feedSchema).default([]),
  })
  .strict();

// ── themes.yaml ──────────────────────────────────────────────────────────────

const keywordEntry = z.union([
  z.string().min(1),
  z.object({ term: z.string().min(1), weight: z.number().positive().max(10).default(1) }).strict(),
]);

export const themeSchema = z
  .object({
    id,
    name: z.string().min(1),
    description: z.string().optional(),
    /** Phrases per language code; "any" for names that do not translate. */
    keywords: z.record(lang, z.array(keywordEntry)),
    exclude: z.array(z.string().min(1)).default([]),
    tokens: z.array(symbol).default([]),
    minScore: z.number().positive().default(1),
  })
  .strict();

export const themesFileSchema = z.object({ themes: z.array(themeSchema).default([]) }).strict();

// ── tokens.yaml ──────────────────────────────────────────────────────────────

const venue = z.union([
  z.string().min(1),
  z.object({ exchange: z.string().min(1), pair: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'use BASE/QUOTE, e.g. "TAO/USDT"') }).strict(),
]);

export const tokenSchema = z
  .object({
    symbol,
    name: z.string().min(1),
    names: z.array(z.string().min(1)).default([]),
    /** Former or alternative tickers (RNDR for RENDER). */
    tickers: z.array(symbol).default([]),
    ambiguous: z.boolean().default(false),
    /** Match `name` in posts; off for names that are ordinary phrases ("The Graph"). */
    matchName: z.boolean().default(true),
    /** Exchanges in order of preference; a string means "<SYMBOL>/<quote>" there. */
    venues: z.array(venue).default(['binance']),
    /** Benchmarks (BTC, ETH) are priced but not alerted on. */
    benchmark: z.boolean().default(false),
    /** Member of the AI-sector basket. */
    sector: z.boolean().default(true),
  })
  .strict();

export const tokensFileSchema = z
  .object({
    quote: z.string().regex(/^[A-Z]{3,5}$/).default('USDT'),
    tokens: z.array(tokenSchema).default([]),
  })
  .strict();

// ── alerts.yaml ──────────────────────────────────────────────────────────────

const severity = z.enum(['low', 'medium', 'high']);
const alertKind = z.enum(['move', 'story', 'notice']);

export const destinationSchema = z.discriminatedUnion('type', [
  z.object({ id, type: z.literal('console'), kinds: z.array(alertKind).optional(), minSeverity: severity.default('low') }).strict(),
  z
    .object({
      id,
      type: z.literal('discord'),
      channelId: z.string().regex(/^\d{15,22}$/, 'a Discord channel id is a 17–20 digit number (Developer Mode → Copy Channel ID)'),
      kinds: z.array(alertKind).optional(),
      minSeverity: severity.default('low'),
    })
    .strict(),
  z
    .object({
      id,
      type: z.literal('discord-webhook'),
      /** Name of the environment variable holding the webhook URL (it contains a secret). */
      urlEnv: z.string().regex(/^[A-Z][A-Z0-9_]*$/),
      kinds: z.array(alertKind).optional(),
      minSeverity: severity.default('low'),
    })
    .strict(),
  z
    .object({
      id,
      type: z.literal('telegram'),
      chatId: z.union([z.number().int(), z.string().regex(/^(-?\d+|@\w{5,})$/, 'a numeric chat id or @channelusername')]),
      messageThreadId: z.number().int().positive().optional(),
      kinds: z.array(alertKind).optional(),
      minSeverity: severity.default('low'),
    })
    .strict(),
]);

const cron = z.string().min(9);

export const alertsFileSchema = z
  .object({
    market: z
      .object({
        timeframe: z.enum(['1m', '5m', '15m', '30m', '1h', '4h']).default('1h'),
        backfillDays: z.number().positive().max(365).default(30),
        benchmark: symbol.default('BTC'),
        windows: z
          .array(z.object({ minutes: z.number().int().positive(), threshold: z.number().positive().max(10) }).strict())
          .min(1)
          .default([
            { minutes: 60, threshold: 0.05 },
            { minutes: 240, threshold: 0.08 },
            { minutes: 1440, threshold: 0.15 },
          ]),
        abnormalThreshold: z.number().min(0).default(0.12),
        minZ: z.number().min(0).default(2),
        volatilityDays: z.number().positive().default(30),
        retentionDays: z.number().positive().default(400),
      })
      .strict()
      .prefault({}),
    correlation: z
      .object({
        lookbackHours: z.number().positive().default(24),
        halfLifeHours: z.number().positive().default(8),
        minScore: z.number().min(0).default(0.15),
        maxCatalysts: z.number().int().positive().max(10).default(3),
      })
      .strict()
      .prefault({}),
    moves: z
      .object({
        cooldownMinutes: z.number().min(0).default(240),
        escalationFactor: z.number().min(1).default(1.5),
        rearmFraction: z.number().min(0).max(1).default(0.5),
        muted: z.array(symbol).default([]),
      })
      .strict()
      .prefault({}),
    stories: z
      .object({
        minThemeScore: z.number().positive().default(2),
        alertOnTokenWithTheme: z.boolean().default(true),
        maxAgeHours: z.number().positive().default(48),
        muted: z.array(id).default([]),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        maxAttempts: z.number().int().positive().default(20),
        maxBackoffMinutes: z.number().positive().default(30),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        feeds: cron.default('*/5 * * * *'),
        prices: cron.default('*/5 * * * *'),
        deliver: cron.default('*/30 * * * * *'),
      })
      .strict()
      .prefault({}),
    destinations: z.array(destinationSchema).default([]),
  })
  .strict();

export type FeedsFile = z.infer<typeof feedsFileSchema>;
export type FeedConfig = z.infer<typeof feedSchema>;
export type ThemesFile = z.infer<typeof themesFileSchema>;
export type TokensFile = z.infer<typeof tokensFileSchema>;
export type TokenConfig = z.infer<typeof tokenSchema>;
export type AlertsFile = z.infer<typeof alertsFileSchema>;
export type DestinationConfig = z.infer<typeof destinationSchema>;
