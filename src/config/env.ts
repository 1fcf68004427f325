/**
 * Environment: secrets and deployment settings. The only place env vars are
 * named; main.ts reads process.env once and passes the parsed result down.
 */
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const idList = optionalString.transform((v) => (v ? v.split(/[\s,]+/).filter(Boolean) : []));

export const envSchema = z.object({
  CONFIG_DIR: optionalString,
  DB_PATH: optionalString,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DISCORD_TOKEN: optionalString,
  DISCORD_CHANNEL_ID: optionalString.refine((v) => v === undefined || /^\d{15,22}$/.test(v), 'a Discord channel id is a 17–20 digit number'),
  DISCORD_WEBHOOK_URL: optionalString,
  DISCORD_API_URL: optionalString.default('https://discord.com/api'),
  DISCORD_ADMIN_IDS: idList,
  TELEGRAM_BOT_TOKEN: optionalString.refine((v) => v === undefined || /^\d+:[\w-]{20,}$/.test(v), 'a Telegram bot token looks like 123456:ABC-DEF… (from @BotFather)'),
  TELEGRAM_CHAT_ID: optionalString,
  TELEGRAM_API_URL: optionalString.default('https://api.telegram.org'),
  TELEGRAM_ADMIN_IDS: idList,
  /** Let admins add feeds on loopback/private addresses from chat (off: a chat command must not reach the LAN). */
  ALLOW_PRIVATE_FEED_URLS: optionalString.transform((v) => v === 'true' || v === '1'),
  /** Per-exchange API roots, e.g. "binance=http://127.0.0.1:8080", for proxies. */
  EXCHANGE_API_URLS: optionalString,
  /** Serve /healthz and /metrics on this port; unset: no HTTP server at all. */
  HTTP_PORT: optionalString
    .refine((v) => v === undefined || (/^\d{1,5}$/.test(v) && Number(v) <= 65535), 'a TCP port number such as 9464 (unset it to turn the HTTP server off)')
    .transform((v) => (v === undefined ? undefined : Number(v))),
  /**
   * Address the HTTP server binds to. Loopback by default: metrics name feeds and
   * destinations. The Docker image sets 0.0.0.0 (the container's loopback is unreachable
   * from outside); compose then publishes the port on the host's 127.0.0.1 only.
   */
  HTTP_HOST: optionalString.default('127.0.0.1'),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Parse env; every problem listed with the variable name (values are never echoed: they may be secrets). */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  throw new EnvError(`Invalid environment (see .env.example):\n${lines.join('\n')}`);
}

export function exchangeApiRoots(env: Env): Map<string, string> {
  const roots = new Map<string, string>();
  for (const part of (env.EXCHANGE_API_URLS ?? '').split(',').filter(Boolean)) {
    const [venue, url] = part.split('=');
    if (venue && url) roots.set(venue.trim(), url.trim());
  }
  return roots;
}

/** Every secret value, so the logger can scrub them. */
export function secretsOf(env: Env): string[] {
  return [env.DISCORD_TOKEN, env.TELEGRAM_BOT_TOKEN, env.DISCORD_WEBHOOK_URL?.split('/').pop()].filter((s): s is string => !!s);
}
