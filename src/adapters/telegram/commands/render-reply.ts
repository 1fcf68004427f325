/**
 * Reply → Telegram HTML (parse_mode "HTML"): every string escaped, raw text
 * truncated before escaping so no tag or entity is cut, and the whole message
 * within Telegram's 4096 characters.
 */
import type { Reply } from '../../../app/commands/types.ts';
import { escapeHtml, escapeHtmlAttribute, fitEscaped, safeUrl } from '../../chat/sanitize.ts';

export const TELEGRAM_MESSAGE_LIMIT = 4096;

/** Per-part budgets, in escaped characters. */
const BUDGET = { title: 512, fieldName: 128, fieldValue: 1024, footer: 300, href: 1024, minText: 200 } as const;

export function renderTelegramReply(reply: Reply): string {
  const titleText = fitEscaped(reply.title, BUDGET.title, escapeHtml);
  const url = safeUrl(reply.url);
  const title = url && url.length <= BUDGET.href ? `<b><a href="${escapeHtmlAttribute(url)}">${titleText}</a></b>` : `<b>${titleText}</b>`;
  const footer = reply.footer ? `<i>${fitEscaped(reply.footer, BUDGET.footer, escapeHtml)}</i>` : '';
  const fields = (reply.fields ?? []).map((f) => `<b>${fitEscaped(f.name, BUDGET.fieldName, escapeHtml)}:</b> ${fitEscaped(f.value, BUDGET.fieldValue, escapeHtml)}`);
  const assemble = (text: string) => [title, text, ...fields, footer].filter((part) => part !== '').join('\n');

  const wanted = reply.text ? Math.min(escapeHtml(reply.text).length, BUDGET.minText) : 0;
  // +1 for the newline that joins the text in.
  const room = () => TELEGRAM_MESSAGE_LIMIT - assemble('').length - 1;
  while (fields.length > 0 && room() < wanted) fields.pop();
  const text = reply.text ? fitEscaped(reply.text, room(), escapeHtml) : '';
  return assemble(text);
}
