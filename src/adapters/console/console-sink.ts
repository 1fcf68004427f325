/**
 * Console AlertSink: one readable block per alert, for dry runs, the demo and
 * development. Feed text can carry terminal escape sequences, so control
 * characters are stripped before anything reaches the terminal.
 */
import { DeliveryError, RESENT_NOTE, type AlertSink } from '../../app/ports.ts';
import { viewAlert, viewToPlainText, type Severity } from '../../domain/alert.ts';
import { stripControlChars } from '../chat/sanitize.ts';

export interface ConsoleSinkOptions {
  /** Destination id, default "console". */
  id?: string;
  /** Where blocks go, default process.stdout. Each call receives one whole block. */
  write?: (text: string) => void;
  /** Force colour on or off; by default only when writing to a terminal that supports it. */
  color?: boolean;
}

const SEPARATOR = '─'.repeat(72);

const ANSI = {
  reset: '\u001B[0m',
  bold: '\u001B[1m',
  dim: '\u001B[2m',
  underline: '\u001B[4m',
  red: '\u001B[31m',
  yellow: '\u001B[33m',
  cyan: '\u001B[36m',
} as const;

const SEVERITY_COLOR: Record<Severity, string> = { high: ANSI.red, medium: ANSI.yellow, low: ANSI.cyan };

/**
 * An AlertSink that prints each alert as a block of plain text followed by a separator line;
 * a `resent` alert (its earlier send was interrupted) gets the re-send note above its block.
 */
export function createConsoleSink(options: ConsoleSinkOptions = {}): AlertSink {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  // A custom writer is usually a file or a test buffer: no colour unless asked.
  const color = options.color ?? (options.write === undefined && process.stdout.isTTY === true && process.stdout.hasColors());
  const id = options.id ?? 'console';

  return {
    id,
    async send(alert, _deliveryId, options) {
      const raw = viewAlert(alert);
      // One-line headline and footer keep the block scannable and the colouring aligned.
      const view = { ...raw, title: oneLine(raw.title), footer: oneLine(raw.footer) };
      const text = stripControlChars(viewToPlainText(view));
      const block = color ? colorize(text, view.severity, Boolean(view.url)) : text;
      const note = options?.resent ? `${color ? ANSI.dim + RESENT_NOTE + ANSI.reset : RESENT_NOTE}\n` : '';
      try {
        write(`${note}${block}\n${color ? ANSI.dim + SEPARATOR + ANSI.reset : SEPARATOR}\n`);
      } catch (error) {
        // EPIPE and friends: the reader went away; the next attempt may find it back.
        throw new DeliveryError('retry', `console: could not write the alert: ${(error as Error).message}`, {
          destination: id,
          cause: error,
        });
      }
    },
  };
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/**
 * Colour follows the layout of viewToPlainText: headline, optional url line,
 * summary, indented fields, and the footer last.
 */
function colorize(text: string, severity: Severity, hasUrl: boolean): string {
  const lines = text.split('\n');
  return lines
    .map((line, i) => {
      if (i === 0) return `${ANSI.bold}${SEVERITY_COLOR[severity]}${line}${ANSI.reset}`;
      if (i === 1 && hasUrl) return `${ANSI.underline}${line}${ANSI.reset}`;
      if (i === lines.length - 1) return `${ANSI.dim}${line}${ANSI.reset}`;
      return line;
    })
    .join('\n');
}
