/**
 * AlertView → Discord message body. Every piece of feed-derived text is
 * escaped (markdown, mentions) and every Discord length limit is enforced
 * here, so the API never answers 400 for something we could have prevented.
 * The only pings are the role ids the caller passes (already filtered by the
 * destination's mention rules), and `allowed_mentions` lists exactly those.
 */
import type { APIEmbed } from 'discord.js';
import type { AlertView, Severity } from '../../domain/alert.ts';
import { escapeDiscordMarkdown, fitEscaped, fitLines, safeUrl, stripControlChars, truncate } from '../chat/sanitize.ts';

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
  /** A digest line's title; the link itself is not counted by Discord but is by us (safer). */
  digestTitle: 160,
  /** A note above the alert (e.g. that it is a re-send). */
  note: 200,
} as const;

export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  allowed_mentions: { parse: []; roles?: string[] };
  /** Metadata of uploaded files, by index of `files[n]` in the multipart body. */
  attachments?: { id: number; filename: string; description?: string }[];
  /** Message flags; the sink sets SUPPRESS_NOTIFICATIONS (4096) for a silent delivery. */
  flags?: number;
}

export interface DiscordRenderOptions {
  /** Role ids to ping: rendered as `<@&id>` in content and allowed in `allowed_mentions.roles`. */
  roles?: readonly string[];
  /** File name of an uploaded image to show in the embed (`attachment://name`). */
  image?: string;
  /** A short line in italics above the alert (the message content's first line), e.g. that it may have arrived before. */
  note?: string;
}

/** Hue by kind, shade by severity: a glance at the sidebar tells what and how urgent. */
const COLORS: Record<AlertView['kind'], Record<Severity, number>> = {
  move: { high: 0xe03131, medium: 0xf76707, low: 0xfab005 },
  sector: { high: 0x0b7285, medium: 0x1098ad, low: 0x66d9e8 },
  story: { high: 0x1971c2, medium: 0x339af0, low: 0x74c0fc },
  notice: { high: 0x862e9c, medium: 0x868e96, low: 0xadb5bd },
  digest: { high: 0x5f3dc4, medium: 0x7950f2, low: 0x9775fa },
};

/** Moves (of a token or the sector) read as the market does: green up, red down, darker when more severe. */
const MOVE_COLORS: Record<'up' | 'down', Record<Severity, number>> = {
  up: { high: 0x2b8a3e, medium: 0x37b24d, low: 0x8ce99a },
  down: { high: 0xc92a2a, medium: 0xf03e3e, low: 0xffa8a8 },
};

const EMPTY_VALUE = '—';

/** The embed colour for a kind and severity (and, for token and sector moves, direction). */
export function discordColor(kind: AlertView['kind'], severity: Severity, direction?: 'up' | 'down'): number {
  if ((kind === 'move' || kind === 'sector') && direction !== undefined) return MOVE_COLORS[direction][severity];
  return COLORS[kind][severity];
}

/** `allowed_mentions` that pings exactly `roles` (none when empty) and never @everyone or users. */
export function allowedMentions(roles: readonly string[] = []): DiscordMessage['allowed_mentions'] {
  return roles.length > 0 ? { parse: [], roles: [...roles] } : { parse: [] };
}

function mentionContent(roles: readonly string[] = []): string {
  return roles.map((id) => `<@&${id}>`).join(' ');
}

/** The note as content's first line, escaped (feed text never gets here, but a `*` would still end the italics). */
function noteContent(note: string | undefined): string {
  const text = note === undefined ? '' : nonBlank(fitEscaped(note.replace(/\s+/g, ' '), BUDGET.note, (t) => escapeDiscordMarkdown(t, { links: false })));
  return text === '' ? '' : `*${text}*`;
}

/**
 * Render one alert as a single-embed message that always satisfies Discord's
 * limits: title ≤ 256, description ≤ 4096, ≤ 25 fields (name ≤ 256, value ≤ 1024),
 * and ≤ 6000 characters in total, dropping trailing fields before starving the
 * summary. Mentions are disabled both in the text and by `allowed_mentions`.
 */
export function renderDiscordMessage(view: AlertView, options: DiscordRenderOptions = {}): DiscordMessage {
  const embed: APIEmbed = { color: discordColor(view.kind, view.severity, view.direction) };
  if (view.createdAt !== undefined && Number.isFinite(view.createdAt)) embed.timestamp = new Date(view.createdAt).toISOString();
  if (options.image !== undefined) embed.image = { url: `attachment://${options.image}` };

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
  let description = nonBlank(fitEscaped(view.summary, descriptionBudget, escapeDiscordMarkdown));
  if (view.kind === 'digest' && view.links && view.links.length > 0) {
    const list = digestList(view.links, descriptionBudget - description.length - 2);
    if (list !== '') description = description === '' ? list : `${description}\n\n${list}`;
  }
  if (description !== '') embed.description = description;
  if (fields.length > 0) embed.fields = fields;

  const message: DiscordMessage = { embeds: [embed], allowed_mentions: allowedMentions(options.roles) };
  const content = [noteContent(options.note), mentionContent(options.roles)].filter((line) => line !== '').join('\n');
  if (content !== '') message.content = content;
  if (options.image !== undefined) message.attachments = [{ id: 0, filename: options.image, description: 'Price chart' }];
  return message;
}

/**
 * A digest's alerts as masked links, one per line, as many as fit `budget`, then
 * "…and N more". Titles are escaped (their brackets cannot close the link) and
 * URLs are safe http(s) with parentheses encoded (they cannot end it early).
 */
function digestList(links: NonNullable<AlertView['links']>, budget: number): string {
  return fitLines(
    links.map((link) => {
      const title = nonBlank(fitEscaped(link.label, BUDGET.digestTitle, (t) => escapeDiscordMarkdown(t, { links: false }))) || EMPTY_VALUE;
      const url = safeUrl(link.url);
      const line = url !== undefined && url.length <= BUDGET.fallbackUrl ? `• [${title}](${url.replace(/\(/g, '%28').replace(/\)/g, '%29')})` : `• ${title}`;
      return line;
    }),
    budget,
  );
}

/**
 * A deliberately plain rendering for when Discord rejects the embed (400): title,
 * link and summary as message content, escaped, within 2000 characters.
 * Delivering a plainer alert beats dropping it or disabling the channel.
 */
export function renderDiscordFallback(view: AlertView, options: Pick<DiscordRenderOptions, 'roles' | 'note'> = {}): DiscordMessage {
  const title = nonBlank(fitEscaped(view.title, DISCORD_LIMITS.title, (t) => escapeDiscordMarkdown(t, { links: false })));
  const url = safeUrl(view.url);
  const head = [noteContent(options.note), mentionContent(options.roles), title === '' ? '' : `**${title}**`, url !== undefined && url.length <= BUDGET.fallbackUrl ? `<${url}>` : '']
    .filter((line) => line !== '')
    .join('\n');
  const summary = nonBlank(fitEscaped(view.summary, DISCORD_LIMITS.content - head.length - 1, escapeDiscordMarkdown));
  const content = [head, summary].filter((part) => part !== '').join('\n') || EMPTY_VALUE;
  return { content, embeds: [], allowed_mentions: allowedMentions(options.roles) };
}

/** Discord rejects whitespace-only strings where it requires text. */
function nonBlank(text: string): string {
  return text.trim() === '' ? '' : text;
}
