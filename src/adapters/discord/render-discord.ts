/**
 * AlertView → Discord message body. Every piece of feed-derived text is
 * escaped (markdown, mentions) and every Discord length limit is enforced
 * here, so the API never answers 400 for something we could have prevented.
 */
import type { APIEmbed } from 'discord.js';
import type { AlertView, Severity } from '../../domain/alert.ts';
import { escapeDiscordMarkdown, fitEscaped, safeUrl, stripControlChars, truncate } from '../chat/sanitize.ts';

/** Discord's documented message and embed limits, in characters. */
export const DISCORD_LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** Sum of title, description, field names and values, footer text and author name over all embeds. */
  embedTotal: 6000,
} as const;

/** Tighter budgets of our own: a footer is a reason line, and the summary deserves the space. */
const BUDGET = {
  footer: 300,
  /** A description shorter than this is not worth keeping fields for. */
  minDescription: 300,
  /** Longer URLs are dropped from the title link rather than risk "Not a well formed URL". */
  url: 2048,
  /** In the plain fallback a link costs content characters; past this it is left out. */
  fallbackUrl: 512,
} as const;

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  allowed_mentions: { parse: [] };
}

/** Hue by kind, shade by severity: a glance at the sidebar tells what and how urgent. */
const COLORS: Record<AlertView['kind'], Record<Severity, number>> = {
  move: { high: 0xe03131, medium: 0xf76707, low: 0xfab005 },
  story: { high: 0x1971c2, medium: 0x339af0, low: 0x74c0fc },
  notice: { high: 0x862e9c, medium: 0x868e96, low: 0xadb5bd },
};

const EMPTY_VALUE = '—';

/** The embed colour for a kind and severity. */
export function discordColor(kind: AlertView['kind'], severity: Severity): number {
  return COLORS[kind][severity];
}

/**
 * Render one alert as a single-embed message that always satisfies Discord's
 * limits: title ≤ 256, description ≤ 4096, ≤ 25 fields (name ≤ 256, value ≤ 1024),
 * and ≤ 6000 characters in total, dropping trailing fields before starving the
 * summary. Mentions are disabled both in the text and by `allowed_mentions`.
 */
export function renderDiscordMessage(view: AlertView): DiscordMessage {
  const embed: APIEmbed = { color: discordColor(view.kind, view.severity) };

  const title = nonBlank(fitEscaped(view.title, DISCORD_LIMITS.title, (t) => escapeDiscordMarkdown(t, { links: false })));
  if (title !== '') embed.title = title;
  // An embed url only shows as the title's link, so it needs a title.
  const url = safeUrl(view.url);
  if (url !== undefined && url.length <= BUDGET.url && title !== '') embed.url = url;

  // Footers render as plain text: escaping would show backslashes, so only strip controls.
  const footer = truncate(stripControlChars(view.footer).trim(), BUDGET.footer);
  if (footer !== '') embed.footer = { text: footer };

  const fields = view.fields.slice(0, DISCORD_LIMITS.fields).map((field) => ({
    name: nonBlank(fitEscaped(field.name, DISCORD_LIMITS.fieldName, (t) => escapeDiscordMarkdown(t, { links: false }))) || EMPTY_VALUE,
    value: nonBlank(fitEscaped(field.value, DISCORD_LIMITS.fieldValue, escapeDiscordMarkdown)) || EMPTY_VALUE,
    inline: false,
  }));

  const fixed = title.length + footer.length;
  let fieldChars = fields.reduce((sum, f) => sum + f.name.length + f.value.length, 0);
  const summaryWanted = escapeDiscordMarkdown(view.summary).length;
  // Over the total: drop trailing fields while the summary would get less than it needs.
  while (fields.length > 0 && fixed + fieldChars + Math.min(summaryWanted, BUDGET.minDescription) > DISCORD_LIMITS.embedTotal) {
    const dropped = fields.pop()!;
    fieldChars -= dropped.name.length + dropped.value.length;
  }
  const descriptionBudget = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - fixed - fieldChars);
  const description = nonBlank(fitEscaped(view.summary, descriptionBudget, escapeDiscordMarkdown));
  if (description !== '') embed.description = description;
  if (fields.length > 0) embed.fields = fields;

  return { embeds: [embed], allowed_mentions: { parse: [] } };
}

/**
 * A deliberately plain rendering for when Discord rejects the embed (400): title,
 * link and summary as message content, escaped, within 2000 characters.
 * Delivering a plainer alert beats dropping it or disabling the channel.
 */
export function renderDiscordFallback(view: AlertView): DiscordMessage {
  const title = nonBlank(fitEscaped(view.title, DISCORD_LIMITS.title, (t) => escapeDiscordMarkdown(t, { links: false })));
  const url = safeUrl(view.url);
  const head = [title === '' ? '' : `**${title}**`, url !== undefined && url.length <= BUDGET.fallbackUrl ? `<${url}>` : '']
    .filter((line) => line !== '')
    .join('\n');
  const summary = nonBlank(fitEscaped(view.summary, DISCORD_LIMITS.content - head.length - 1, escapeDiscordMarkdown));
  const content = [head, summary].filter((part) => part !== '').join('\n') || EMPTY_VALUE;
  return { content, embeds: [], allowed_mentions: { parse: [] } };
}

/** Discord rejects whitespace-only strings where it requires text. */
function nonBlank(text: string): string {
  return text.trim() === '' ? '' : text;
}
