/**
 * Schemas of the admin-edited YAML files in config/. Defaults live here, in
 * one place, with units in the names; the YAML files document them for people.
 */
import { z } from 'zod';
import { checkAdminPattern } from '../domain/admin-patterns.ts';

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

const adminRegex = z.string().min(1).superRefine((source, ctx) => {
  const problem = checkAdminPattern(source);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
/** A bare string is shorthand for `{ regex }`; one object schema keeps error messages specific. */
const patternEntry = z.preprocess(
  (v) => (typeof v === 'string' ? { regex: v } : v),
  z.object({ regex: adminRegex, weight: z.number().positive().max(10).default(1), lang: lang.default('any') }).strict(),
);

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
    /** Regular expressions (RE2 syntax: linear time, no backreferences or lookarounds) on folded text. */
    patterns: z.array(patternEntry).default([]),
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
const alertKind = z.enum(['move', 'sector', 'story', 'notice']);

/** A Discord role pinged when an alert passes this rule's own filter; nothing else ever pings. */
export const mentionRuleSchema = z
  .object({
    role: z.string().regex(/^\d{15,22}$/, 'a Discord role id is a 17–20 digit number (Server Settings → Roles → Copy Role ID)'),
    /** Pings are loud: only high-severity alerts unless lowered here. */
    minSeverity: severity.default('high'),
    /** Only alerts about these tokens; any token when absent. */
    tokens: z.array(symbol).optional(),
    kinds: z.array(alertKind).optional(),
  })
  .strict();

export const destinationSchema = z.discriminatedUnion('type', [
  z.object({ id, type: z.literal('console'), kinds: z.array(alertKind).optional(), minSeverity: severity.default('low') }).strict(),
  z
    .object({
      id,
      type: z.literal('discord'),
      channelId: z.string().regex(/^\d{15,22}$/, 'a Discord channel id is a 17–20 digit number (Developer Mode → Copy Channel ID)'),
      kinds: z.array(alertKind).optional(),
      minSeverity: severity.default('low'),
      mentions: z.array(mentionRuleSchema).optional(),
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
      mentions: z.array(mentionRuleSchema).optional(),
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
        /** Days of per-candle returns behind the rolling β vs the benchmark (market model); 0 = β 1. */
        betaDays: z.number().min(0).max(365).default(30),
        /** |z| that is a move on its own, however small the return; 0 disables. */
        zThreshold: z.number().min(0).default(0),
        /** |return − sector basket return| (basket without the token) that is a move on its own; 0 disables. */
        sectorAbnormalThreshold: z.number().min(0).default(0.12),
        retentionDays: z.number().positive().default(400),
        /** Holes in the stored candles this recent are refetched. */
        gapRepairDays: z.number().min(0).max(365).default(7),
        sector: z
          .object({
            name: z.string().min(1).max(40).default('AI basket'),
            /** Members and weights; empty = every tokens.yaml token with `sector: true`, equal weight. */
            members: z.array(z.object({ symbol, weight: z.number().positive().default(1) }).strict()).default([]),
            /** Fewest members priced for the basket to count. */
            minMembers: z.number().int().positive().default(3),
            /** A sector move is |basket return − β·BTC return| ≥ threshold over the window. */
            windows: z
              .array(z.object({ minutes: z.number().int().positive(), threshold: z.number().positive().max(10) }).strict())
              .default([
                { minutes: 240, threshold: 0.06 },
                { minutes: 1440, threshold: 0.1 },
              ]),
            /** Sector alerts on or off (the basket is still computed, stored and used for moves). */
            alerts: z.boolean().default(true),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    correlation: z
      .object({
        lookbackHours: z.number().positive().default(24),
        halfLifeHours: z.number().positive().default(8),
        minScore: z.number().min(0).default(0.15),
        maxCatalysts: z.number().int().positive().max(10).default(3),
        eventStudy: z
          .object({
            /** Horizons after publication at which each linked token's abnormal return is measured. */
            horizonsMinutes: z.array(z.number().int().positive().max(10_080)).min(1).default([60, 240, 1440]),
            /** Queue a follow-up notice when a story alerted earlier is followed by a large abnormal return. */
            followUp: z.boolean().default(false),
            /** |abnormal return| at the longest horizon that earns a follow-up (fraction). */
            followUpMinAbnormal: z.number().min(0).default(0.05),
          })
          .strict()
          .prefault({}),
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
        /** More alerts than this waiting for one destination are sent as one digest; 0 turns flood control off. */
        digestAfter: z.number().int().min(0).default(20),
        /** Longest one delivery run waits for a destination's next rate-limit slot; later slots are left to the next run. */
        maxWaitSeconds: z.number().positive().max(600).default(60),
      })
      .strict()
      .prefault({}),
    schedule: z
      .object({
        feeds: cron.default('*/5 * * * *'),
        prices: cron.default('*/5 * * * *'),
        deliver: cron.default('*/30 * * * * *'),
        /** How often due scheduled digests are looked for; each destination's own time (and zone) is in its subscription. */
        digests: cron.default('*/5 * * * *'),
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
