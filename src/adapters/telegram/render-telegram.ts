/**
 * AlertView → Telegram HTML (parse_mode "HTML"). All text is escaped and the
 * whole message, markup included, stays within Telegram's 4096 limit: raw text
 * is truncated before escaping, so no tag or entity is ever cut in half.
 */
import { viewToPlainText, type AlertView } from '../../domain/alert.ts';
import { escapeHtml, escapeHtmlAttribute, fitEscaped, fitLines, safeUrl, stripControlChars, truncate } from '../chat/sanitize.ts';

/** Telegram's message limit. It applies to the parsed text; we apply it to the HTML, which is stricter. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;
/** Telegram's photo caption limit, applied to the HTML the same way. */
export const TELEGRAM_CAPTION_LIMIT = 1024;

/** Our per-part budgets, in escaped characters. */
const BUDGET = {
  title: 512,
  fieldName: 128,
  fieldValue: 1024,
  footer: 300,
  /** Trailing fields are dropped before the summary gets less than this. */
  minSummary: 300,
  /** A longer link is shown as text rather than wrapped around the title. */
  href: 1024,
  /** A digest line's title. */
  digestTitle: 200,
  /** A note above the alert (e.g. that it is a re-send). */
  note: 200,
} as const;

export interface TelegramRenderOptions {
  /** A short line shown in italics above the alert, e.g. that it may have arrived before. */
  note?: string;
}

/** The note as its own first line, escaped; '' without one. */
function noteLine(note: string | undefined): string {
  const text = note === undefined ? '' : fitEscaped(note, BUDGET.note, escapeHtml);
  return text.trim() === '' ? '' : `<i>${text}</i>`;
}

/** Put `note` (already rendered) above `body`, on a line of its own. */
function withNote(note: string, body: string): string {
  return note === '' ? body : `${note}\n${body}`;
}

/**
 * Render an alert as Telegram HTML: the title in bold (linked when the view's
 * url is http/https), the summary, one `Name: value` line per field, and the
 * footer in italics. The result is at most {@link TELEGRAM_MESSAGE_LIMIT} characters.
 */
export function renderTelegramHtml(view: AlertView, options: TelegramRenderOptions = {}): string {
  const note = noteLine(options.note);
  // The note and its newline come out of the message's budget.
  const limit = TELEGRAM_MESSAGE_LIMIT - (note === '' ? 0 : note.length + 1);
  const title = renderTitle(view);

  const footerText = fitEscaped(view.footer, BUDGET.footer, escapeHtml);
  const footer = footerText.trim() === '' ? '' : `<i>${footerText}</i>`;

  const fields = view.fields.map(
    (field) =>
      `<b>${fitEscaped(field.name, BUDGET.fieldName, escapeHtml)}:</b> ${fitEscaped(field.value, BUDGET.fieldValue, escapeHtml)}`,
  );

  const summaryWanted = escapeHtml(view.summary).length;
  // The +1 is the newline that joins the summary to the title.
  const summaryBudget = () => limit - assemble(title, '', fields, footer).length - 1;
  while (fields.length > 0 && summaryBudget() < Math.min(summaryWanted, BUDGET.minSummary)) fields.pop();
  let summary = fitEscaped(view.summary, summaryBudget(), escapeHtml);
  if (view.kind === 'digest' && view.links && view.links.length > 0) {
    // The list goes under the summary, in whatever the rest leaves (+2: the blank line between).
    const list = digestList(view.links, summaryBudget() - summary.length - 2);
    if (list !== '') summary = summary.trim() === '' ? list : `${summary}\n\n${list}`;
  }

  return withNote(note, assemble(title, summary.trim() === '' ? '' : summary, fields, footer));
}

/**
 * A short HTML caption for a photo (the chart) sent after the full message:
 * the linked title and the footer, within {@link TELEGRAM_CAPTION_LIMIT}.
 */
export function renderTelegramCaption(view: AlertView): string {
  const footerText = fitEscaped(view.footer, BUDGET.footer, escapeHtml);
  const footer = footerText.trim() === '' ? '' : `<i>${footerText}</i>`;
  const caption = [renderTitle(view), footer].filter((part) => part !== '').join('\n');
  return caption.length <= TELEGRAM_CAPTION_LIMIT ? caption : fitEscaped(view.title, TELEGRAM_CAPTION_LIMIT, escapeHtml);
}

/** The title in bold, linked when the view's url is http(s) and not absurdly long. */
function renderTitle(view: AlertView): string {
  const titleText = fitEscaped(view.title, BUDGET.title, escapeHtml);
  const url = safeUrl(view.url);
  if (titleText.trim() === '') return '';
  return url !== undefined && url.length <= BUDGET.href ? `<b><a href="${escapeHtmlAttribute(url)}">${titleText}</a></b>` : `<b>${titleText}</b>`;
}

/** A digest's alerts, one linked line each, as many as fit `budget`, then "…and N more". */
function digestList(links: NonNullable<AlertView['links']>, budget: number): string {
  return fitLines(
    links.map((link) => {
      const title = fitEscaped(link.label, BUDGET.digestTitle, escapeHtml).trim() || '—';
      const url = safeUrl(link.url);
      const line = url !== undefined && url.length <= BUDGET.href ? `• <a href="${escapeHtmlAttribute(url)}">${title}</a>` : `• ${title}`;
      return line;
    }),
    budget,
  );
}

function assemble(title: string, summary: string, fields: readonly string[], footer: string): string {
  const head = [title, summary].filter((part) => part !== '').join('\n');
  return [head, fields.join('\n'), footer].filter((part) => part !== '').join('\n\n');
}

/**
 * The alert as plain text (no parse_mode) within the limit: the fallback when
 * Telegram refuses our HTML, so the alert still arrives, only plainer.
 */
export function renderTelegramPlainText(view: AlertView, options: TelegramRenderOptions = {}): string {
  const note = options.note === undefined ? '' : truncate(stripControlChars(options.note).trim(), BUDGET.note);
  // The note first, so a cut falls at the end of the alert, never on the note.
  return truncate(stripControlChars(withNote(note, viewToPlainText(view))), TELEGRAM_MESSAGE_LIMIT) || '—';
}
