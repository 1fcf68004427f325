/**
 * AlertView → Telegram HTML (parse_mode "HTML"). All text is escaped and the
 * whole message, markup included, stays within Telegram's 4096 limit: raw text
 * is truncated before escaping, so no tag or entity is ever cut in half.
 */
import { viewToPlainText, type AlertView } from '../../domain/alert.ts';
import { escapeHtml, escapeHtmlAttribute, fitEscaped, safeUrl, stripControlChars, truncate } from '../chat/sanitize.ts';

/** Telegram's message limit. It applies to the parsed text; we apply it to the HTML, which is stricter. */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

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
} as const;

/**
 * Render an alert as Telegram HTML: the title in bold (linked when the view's
 * url is http/https), the summary, one `Name: value` line per field, and the
 * footer in italics. The result is at most {@link TELEGRAM_MESSAGE_LIMIT} characters.
 */
export function renderTelegramHtml(view: AlertView): string {
  const titleText = fitEscaped(view.title, BUDGET.title, escapeHtml);
  const url = safeUrl(view.url);
  const title =
    titleText.trim() === ''
      ? ''
      : url !== undefined && url.length <= BUDGET.href
        ? `<b><a href="${escapeHtmlAttribute(url)}">${titleText}</a></b>`
        : `<b>${titleText}</b>`;

  const footerText = fitEscaped(view.footer, BUDGET.footer, escapeHtml);
  const footer = footerText.trim() === '' ? '' : `<i>${footerText}</i>`;

  const fields = view.fields.map(
    (field) =>
      `<b>${fitEscaped(field.name, BUDGET.fieldName, escapeHtml)}:</b> ${fitEscaped(field.value, BUDGET.fieldValue, escapeHtml)}`,
  );

  const summaryWanted = escapeHtml(view.summary).length;
  // The +1 is the newline that joins the summary to the title.
  const summaryBudget = () => TELEGRAM_MESSAGE_LIMIT - assemble(title, '', fields, footer).length - 1;
  while (fields.length > 0 && summaryBudget() < Math.min(summaryWanted, BUDGET.minSummary)) fields.pop();
  const summary = fitEscaped(view.summary, summaryBudget(), escapeHtml);

  return assemble(title, summary.trim() === '' ? '' : summary, fields, footer);
}

function assemble(title: string, summary: string, fields: readonly string[], footer: string): string {
  const head = [title, summary].filter((part) => part !== '').join('\n');
  return [head, fields.join('\n'), footer].filter((part) => part !== '').join('\n\n');
}

/**
 * The alert as plain text (no parse_mode) within the limit: the fallback when
 * Telegram refuses our HTML, so the alert still arrives, only plainer.
 */
export function renderTelegramPlainText(view: AlertView): string {
  return truncate(stripControlChars(viewToPlainText(view)), TELEGRAM_MESSAGE_LIMIT) || '—';
}
