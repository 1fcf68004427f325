/**
 * Reply → Discord interaction response: one embed, every string escaped
 * (markdown, mentions) and every Discord limit enforced, mentions disabled,
 * ephemeral when the reply is private.
 */
import { MessageFlags, type APIEmbed } from 'discord.js';
import type { Reply, ReplyStatus } from '../../../app/commands/types.ts';
import { escapeDiscordMarkdown, fitEscaped, safeUrl, stripControlChars, truncate } from '../../chat/sanitize.ts';

/** Discord's embed limits, in characters. */
const LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 } as const;

const COLORS: Record<ReplyStatus, number> = { ok: 0x2f9e44, empty: 0x868e96, invalid: 0xf59f00, refused: 0xe03131, error: 0xe03131 };

export interface DiscordReply {
  embeds: APIEmbed[];
  flags?: MessageFlags.Ephemeral;
  allowedMentions: { parse: [] };
}

const plain = (t: string) => escapeDiscordMarkdown(t, { links: false });
const nonBlank = (t: string) => (t.trim() === '' ? '' : t);

export function renderDiscordReply(reply: Reply): DiscordReply {
  const embed: APIEmbed = { color: COLORS[reply.status] };
  const title = nonBlank(fitEscaped(reply.title, LIMITS.title, plain));
  if (title) embed.title = title;
  const url = safeUrl(reply.url);
  if (url && title && url.length <= 2048) embed.url = url;
  // Footers render as plain text: escaping would show backslashes.
  const footer = reply.footer ? truncate(stripControlChars(reply.footer).trim(), 300) : '';
  if (footer) embed.footer = { text: footer };
  const fields = (reply.fields ?? []).slice(0, LIMITS.fields).map((f) => ({
    name: nonBlank(fitEscaped(f.name, LIMITS.fieldName, plain)) || '—',
    value: nonBlank(fitEscaped(f.value, LIMITS.fieldValue, escapeDiscordMarkdown)) || '—',
  }));
  const fixed = title.length + footer.length;
  let fieldChars = fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  const textWanted = reply.text ? Math.min(escapeDiscordMarkdown(reply.text).length, 300) : 0;
  while (fields.length > 0 && fixed + fieldChars + textWanted > LIMITS.total) {
    const dropped = fields.pop()!;
    fieldChars -= dropped.name.length + dropped.value.length;
  }
  if (reply.text) {
    const description = nonBlank(fitEscaped(reply.text, Math.min(LIMITS.description, LIMITS.total - fixed - fieldChars), escapeDiscordMarkdown));
    if (description) embed.description = description;
  }
  if (fields.length > 0) embed.fields = fields;
  return { embeds: [embed], ...(reply.private ? { flags: MessageFlags.Ephemeral } : {}), allowedMentions: { parse: [] } };
}
