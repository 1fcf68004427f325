/**
 * Structured logging with pino, with secrets scrubbed from the finished line.
 *
 * SDK errors carry tokens in many places: Telegram puts the bot token in every
 * request URL (telegraf and node-fetch errors quote it in `message`, `stack`
 * and causes), discord.js errors keep the webhook URL with its token in `url`,
 * requests keep `Authorization: Bot …`. Scrubbing the serialized JSON line
 * covers every path at once (message, bindings, nested `response`, `request`,
 * `config`, `on`, `cause`, any depth) where walking objects misses some.
 * Known secrets are replaced in their raw, URL-encoded and JSON-escaped forms;
 * token shapes (a Telegram bot token, a webhook URL's token, a Discord bot
 * token, an Authorization header) are replaced even when nobody declared them,
 * e.g. a webhook URL read from a variable named in alerts.yaml.
 */
import pino from 'pino';
import type { Logger } from '../../app/ports.ts';

export interface LoggerOptions {
  level: string;
  /** Values that must never appear in a log line. */
  secrets: readonly string[];
  /** Defaults to stdout; tests pass a stream to capture lines. */
  destination?: pino.DestinationStream;
}

const REDACTED = '[redacted]';
/** Shorter values would match ordinary text. */
const MIN_SECRET_LENGTH = 6;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex source matching `text`, with percent escapes in either case (%3A or %3a). */
function literal(text: string): string {
  return escapeRegExp(text).replace(/%([0-9A-F])([0-9A-F])/g, (_, a: string, b: string) => `%${a}[${b}${b.toLowerCase()}]`);
}

/** Forms a secret takes inside a JSON log line. */
function formsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURIComponent(encodeURIComponent(secret)), JSON.stringify(secret).slice(1, -1)]);
  return [...forms];
}

/** Token shapes, with the part to keep (a bot id, a path) in group 1. */
const TOKEN_SHAPES: readonly RegExp[] = [
  // Telegram bot token "123456789:AA…" (35 characters after the colon), colon possibly URL-encoded.
  /((?<!\d)\d{6,12}(?::|%3[Aa]))[A-Za-z0-9_-]{30,}/g,
  // Discord webhook and interaction-followup URLs: /webhooks/{id}/{token}.
  /(\/webhooks(?:\/|%2[Ff])\d{15,22}(?:\/|%2[Ff]))[A-Za-z0-9._-]{20,}/g,
  // Authorization header values.
  /(\b(?:Bot|Bearer) )[A-Za-z0-9._~+/-]{20,}=*/g,
  // Discord bot token: base64 user id, timestamp, HMAC.
  /()\b[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,40}\b/g,
];

/** Replace known secrets and token shapes in one serialized log line. */
export function lineScrubber(secrets: readonly string[]): (line: string) => string {
  const known = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(formsOf);
  // Longest first, so a secret that contains another is replaced whole.
  const knownPattern = known.length > 0 ? new RegExp(known.sort((a, b) => b.length - a.length).map(literal).join('|'), 'g') : undefined;
  return (line) => {
    let out = knownPattern ? line.replace(knownPattern, REDACTED) : line;
    for (const shape of TOKEN_SHAPES) out = out.replace(shape, `$1${REDACTED}`);
    return out;
  };
}

const isError = (value: unknown): value is Error => value instanceof Error || (typeof value === 'object' && value !== null && typeof (value as Error).message === 'string' && typeof (value as Error).stack === 'string');

/**
 * Errors under any key serialize like `err` (type, message and stack with
 * their causes, own fields): JSON.stringify of an Error keeps only its own
 * enumerable fields and drops the message.
 */
function serializeErrors(record: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(record)) {
    if (key === 'err' || !isError(value)) continue;
    out ??= { ...record };
    out[key] = pino.stdSerializers.err(value);
  }
  return out ?? record;
}

export function createLogger(options: LoggerOptions): Logger & pino.Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      // Values under these keys are secrets whatever they are; the line scrubber handles secrets inside other text.
      redact: {
        paths: ['token', '*.token', 'password', '*.password', 'headers.authorization', 'headers.Authorization', '*.headers.authorization', '*.headers.Authorization'],
        censor: REDACTED,
      },
      serializers: { err: pino.stdSerializers.err },
      formatters: { log: serializeErrors },
      hooks: { streamWrite: lineScrubber(options.secrets) },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
