/**
 * Structured logging with pino. Secrets (chat tokens) are scrubbed from
 * every string in every record, because SDK errors embed them in URLs
 * (Telegram's API URL contains the bot token).
 */
import pino from 'pino';
import type { Logger } from '../../app/ports.ts';

export interface LoggerOptions {
  level: string;
  /** Values that must never appear in a log line. */
  secrets: readonly string[];
  /** Defaults to stdout; tests pass a stream to capture lines. */
  destination?: pino.DestinationStream;
  pretty?: boolean;
}

const REDACTED = '[redacted]';

function scrubber(secrets: readonly string[]): (value: unknown) => unknown {
  const list = secrets.filter((s) => s.length >= 6);
  if (list.length === 0) return (v) => v;
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      let out = value;
      for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
      return out;
    }
    if (depth > 6 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, depth + 1);
    return out;
  };
  return (v) => scrub(v, 0);
}

export function createLogger(options: LoggerOptions): Logger & pino.Logger {
  const scrub = scrubber(options.secrets);
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'config.headers.Authorization'], censor: REDACTED },
      serializers: { err: (err: unknown) => scrub(pino.stdSerializers.err(err as Error)) },
      formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
      hooks: {
        // The message string is not passed through formatters.log.
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
  return logger;
}
