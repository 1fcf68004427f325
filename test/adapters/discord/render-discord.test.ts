import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, discordColor, renderDiscordFallback, renderDiscordMessage } from '../../../src/adapters/discord/render-discord.ts';
import { escapeDiscordMarkdown } from '../../../src/adapters/chat/sanitize.ts';
import { viewAlert, type AlertView } from '../../../src/domain/alert.ts';
import { buildFloodDigest } from '../../../src/domain/flood-digest.ts';
import {
  HOSTILE_TEXT,
  SAMPLE_NOW,
  sampleMove,
  hostileStoryAlert,
  hugeMoveAlert,
  hugeNoticeAlert,
  sampleMoveAlert,
  sampleNoticeAlert,
  sampleStoryAlert,
} from '../../fakes/sample-alerts.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function embedTotal(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + f.name.length + f.value.length, 0)
  );
}

function expectWithinLimits(embed: APIEmbed): void {
  expect(embed.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.title);
  expect(embed.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.description);
  expect(embed.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
  for (const field of embed.fields ?? []) {
    expect(field.name.length).toBeGreaterThan(0);
    expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
    expect(field.value.length).toBeGreaterThan(0);
    expect(field.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
  }
  expect(embed.footer?.text.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
  expect(embedTotal(embed)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
  expect(JSON.stringify(embed)).not.toMatch(LONE_SURROGATE);
}

function viewWith(overrides: Partial<AlertView>): AlertView {
  return { kind: 'notice', severity: 'low', title: 'T', summary: 'S', fields: [], footer: 'F', ...overrides };
}

describe('renderDiscordMessage', () => {
  it('GIVEN a move alert THEN one linked, coloured embed with every field', () => {
    const message = renderDiscordMessage(viewAlert(sampleMoveAlert()));
    expect(message).toEqual({
      embeds: [
        {
          color: discordColor('move', 'high', 'up'),
          timestamp: '2025-03-14T12:00:00.000Z',
          title: 'TAO +25.0% in 24h, abnormal +21.0% vs BTC \\(z 4.1\\)',
          url: 'https://decrypt.co/2025/03/14/bittensor-subnet-launch',
          description:
            'TAO +25.0% in 24h, abnormal +21.0% vs BTC \\(z 4.1\\); likely catalyst: "Bittensor launches dynamic TAO for subnets" \\(Decrypt\\), 3h earlier, themes: decentralized-ai.',
          fields: [
            { name: 'Price', value: '400 → 500', inline: false },
            { name: 'BTC', value: '+4.0%', inline: false },
            {
              name: 'Likely catalyst',
              value:
                '"Bittensor launches dynamic TAO for subnets" \\(Decrypt\\), 3h earlier, themes: decentralized-ai · score 0.82 · mentions TAO; published 3h before the move\n<https://decrypt.co/2025/03/14/bittensor-subnet-launch>',
              inline: false,
            },
            {
              name: 'Also relevant',
              value:
                '"AI tokens rally as Nvidia earnings loom" \\(CoinDesk\\), 10h after the move began, themes: ai-agents, compute · score 0.41 · theme decentralized-ai links TAO\n<https://www.coindesk.com/markets/2025/03/14/ai-tokens-rally>',
              inline: false,
            },
            { name: 'Themes', value: 'decentralized-ai, ai-agents, compute', inline: false },
          ],
          footer: { text: 'Move alert · abnormal move with a catalyst' },
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('GIVEN every kind and severity THEN each has its own valid colour', () => {
    const kinds = ['move', 'story', 'notice'] as const;
    const severities = ['low', 'medium', 'high'] as const;
    const colors = kinds.flatMap((k) => severities.map((s) => discordColor(k, s)));
    expect(new Set(colors).size).toBe(9);
    for (const c of colors) expect(c).toSatisfy((n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffff);
  });

  it('GIVEN hostile feed text THEN nothing pings, formats or links', () => {
    const message = renderDiscordMessage(viewAlert(hostileStoryAlert()));
    const [embed] = message.embeds;
    const everything = JSON.stringify(message.embeds);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(embed?.url).toBeUndefined(); // javascript: story URL dropped
    expect(everything).not.toMatch(/@(everyone|here)/);
    expect(everything).not.toMatch(/<[@#]/);
    // No unescaped markdown character survives outside <https://…> autolinks.
    const outsideLinks = [embed?.title, embed?.description, ...(embed?.fields ?? []).flatMap((f) => [f.name, f.value])]
      .join('\n')
      .replace(/<https?:\/\/[^\s>]+>/g, '');
    expect(outsideLinks).not.toMatch(/(?<!\\)[*_~|`[\]()]/);
    expect(outsideLinks).not.toMatch(/(?<!\\)\]\(/);
    expect(embed?.fields?.[0]?.value).toMatch(/^\\# heading/);
  });

  it('GIVEN the hostile text as a title THEN it is cut to 256 without leaving a dangling escape', () => {
    const embed = renderDiscordMessage(viewWith({ title: HOSTILE_TEXT.repeat(5) })).embeds[0]!;
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.title).toMatch(/…$/);
    expect(embed.title).not.toMatch(/(?<!\\)\\…$/);
  });

  it.each([
    { name: 'huge move alert (10,000-char catalyst titles)', view: viewAlert(hugeMoveAlert()) },
    { name: 'huge notice (emoji)', view: viewAlert(hugeNoticeAlert()) },
    { name: 'huge notice (family emoji)', view: viewAlert(hugeNoticeAlert('👩‍👩‍👧‍👦')) },
    { name: 'hostile story', view: viewAlert(hostileStoryAlert()) },
    {
      name: '40 full fields',
      view: viewWith({ summary: 'S'.repeat(5000), fields: Array.from({ length: 40 }, (_, i) => ({ name: `F${i}`.repeat(200), value: 'v'.repeat(2000) })) }),
    },
    { name: 'empty field name and value', view: viewWith({ fields: [{ name: '', value: '   ' }] }) },
  ])('GIVEN $name THEN every Discord limit holds', ({ view }) => {
    const message = renderDiscordMessage(view);
    expect(message.embeds).toHaveLength(1);
    expectWithinLimits(message.embeds[0]!);
  });

  it('GIVEN more fields than fit THEN trailing fields go before the summary is starved', () => {
    const fields = Array.from({ length: 10 }, (_, i) => ({ name: `Field ${i}`, value: 'v'.repeat(1024) }));
    const embed = renderDiscordMessage(viewWith({ summary: 'important summary '.repeat(100), fields })).embeds[0]!;
    expect(embed.fields!.length).toBeLessThan(10);
    expect(embed.fields![0]!.name).toBe('Field 0');
    expect(embed.description!.length).toBeGreaterThanOrEqual(300);
    expect(embedTotal(embed)).toBeLessThanOrEqual(6000);
  });

  it('GIVEN 300 emoji as a title THEN the cut lands between emoji', () => {
    const embed = renderDiscordMessage(viewWith({ title: '🤖'.repeat(300) })).embeds[0]!;
    expect(embed.title).toBe(`${'🤖'.repeat(127)}…`);
  });

  it.each([
    { name: 'story', alert: sampleStoryAlert(), url: 'https://cointelegraph.com/news/render-network-ai-inference' },
    { name: 'notice without url', alert: sampleNoticeAlert(), url: undefined },
  ])('GIVEN a $name THEN the title links only to a safe url', ({ alert, url }) => {
    expect(renderDiscordMessage(viewAlert(alert)).embeds[0]?.url).toBe(url);
  });
});

describe('renderDiscordFallback', () => {
  it.each([
    { name: 'move alert', view: viewAlert(sampleMoveAlert()) },
    { name: 'huge notice', view: viewAlert(hugeNoticeAlert()) },
    { name: 'hostile story', view: viewAlert(hostileStoryAlert()) },
  ])('GIVEN a $name THEN plain content within 2000 chars and no embeds', ({ view }) => {
    const message = renderDiscordFallback(view);
    expect(message.embeds).toEqual([]);
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.content!.length).toBeGreaterThan(0);
    expect(message.content!.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(message.content).not.toMatch(/@(everyone|here)/);
    expect(message.content).not.toMatch(LONE_SURROGATE);
  });

  it('GIVEN a move alert THEN title, link and summary', () => {
    expect(renderDiscordFallback(viewAlert(sampleMoveAlert())).content).toBe(
      '**TAO +25.0% in 24h, abnormal +21.0% vs BTC \\(z 4.1\\)**\n<https://decrypt.co/2025/03/14/bittensor-subnet-launch>\n' +
        'TAO +25.0% in 24h, abnormal +21.0% vs BTC \\(z 4.1\\); likely catalyst: "Bittensor launches dynamic TAO for subnets" \\(Decrypt\\), 3h earlier, themes: decentralized-ai.',
    );
  });
});

describe('renderDiscordMessage additions', () => {
  it.each([
    { direction: 'up' as const, severity: 'high' as const, color: 0x2b8a3e },
    { direction: 'down' as const, severity: 'high' as const, color: 0xc92a2a },
    { direction: 'up' as const, severity: 'low' as const, color: 0x8ce99a },
    { direction: 'down' as const, severity: 'medium' as const, color: 0xf03e3e },
  ])('GIVEN a $severity move $direction THEN colour $color', ({ direction, severity, color }) => {
    const alert = sampleMoveAlert({ severity, move: sampleMove({ direction, return: direction === 'up' ? 0.2 : -0.2 }) });
    expect(renderDiscordMessage(viewAlert(alert)).embeds[0]?.color).toBe(color);
  });

  it('GIVEN every kind, severity and direction THEN distinct valid colours', () => {
    const severities = ['low', 'medium', 'high'] as const;
    const colors = [
      ...(['story', 'notice', 'digest'] as const).flatMap((k) => severities.map((s) => discordColor(k, s))),
      ...(['up', 'down'] as const).flatMap((d) => severities.map((s) => discordColor('move', s, d))),
    ];
    expect(new Set(colors).size).toBe(colors.length);
    for (const c of colors) expect(c).toSatisfy((n: number) => Number.isInteger(n) && n >= 0 && n <= 0xffffff);
  });

  it('GIVEN an alert THEN the embed carries its creation time', () => {
    expect(renderDiscordMessage(viewAlert(sampleStoryAlert())).embeds[0]?.timestamp).toBe('2025-03-14T12:00:00.000Z');
  });

  it('GIVEN roles to ping THEN content mentions exactly those and allowed_mentions allows exactly those', () => {
    const message = renderDiscordMessage(viewAlert(sampleMoveAlert()), { roles: ['111111111111111111', '222222222222222222'] });
    expect(message.content).toBe('<@&111111111111111111> <@&222222222222222222>');
    expect(message.allowed_mentions).toEqual({ parse: [], roles: ['111111111111111111', '222222222222222222'] });
    expect(renderDiscordFallback(viewAlert(sampleMoveAlert()), { roles: ['111111111111111111'] })).toMatchObject({
      content: expect.stringMatching(/^<@&111111111111111111>\n\*\*TAO/),
      allowed_mentions: { parse: [], roles: ['111111111111111111'] },
    });
  });

  it('GIVEN an attached chart THEN the embed shows it and the body describes the upload', () => {
    const message = renderDiscordMessage(viewAlert(sampleMoveAlert()), { image: 'chart.png' });
    expect(message.embeds[0]?.image).toEqual({ url: 'attachment://chart.png' });
    expect(message.attachments).toEqual([{ id: 0, filename: 'chart.png', description: 'Price chart' }]);
  });

  it('GIVEN a digest THEN its alerts are listed as safe masked links within every limit', () => {
    const hostile = hostileStoryAlert();
    const alerts = [
      hostile,
      sampleStoryAlert({ key: 'paren', story: { ...sampleStoryAlert().story, title: 'With (parens)', url: 'https://x.example/a_(b)' } }),
      ...Array.from({ length: 200 }, (_, i) => sampleStoryAlert({ key: `s${i}`, story: { ...sampleStoryAlert().story, title: `Story ${i} ${'long '.repeat(30)}`, url: `https://news.example/${i}` } })),
    ];
    const digest = buildFloodDigest({ id: 'x', destination: 'd', alerts, backlog: 202, threshold: 20, now: SAMPLE_NOW });
    const embed = renderDiscordMessage(viewAlert(digest)).embeds[0]!;
    expectWithinLimits(embed);
    const lines = embed.description!.split('\n');
    expect(lines[0]).toMatch(/^More alerts were waiting/);
    // The hostile story: escaped, defused, and without a link (its URL is javascript:).
    const hostileLine = lines[2]!;
    expect(hostileLine.startsWith(`• ${escapeDiscordMarkdown(HOSTILE_TEXT, { links: false }).slice(0, 40)}`)).toBe(true);
    expect(hostileLine).toContain('@\u200Beveryone');
    expect(hostileLine).not.toMatch(/\]\(/);
    expect(lines).toContain('• [With \\(parens\\)](https://x.example/a_%28b%29)');
    expect(lines.at(-1)).toMatch(/^…and \d+ more$/);
    const listed = lines.filter((l) => l.startsWith('• ')).length;
    expect(listed + Number(/\d+/.exec(lines.at(-1)!)![0])).toBe(202);
    expect(embed.description).not.toMatch(/@(everyone|here)/);
    expect(embed.fields?.map((f) => f.name)).toEqual(['Alerts', 'Tokens']);
    expect(embed.color).toBe(discordColor('digest', 'medium'));
  });
});

describe('Discord rendering with a note above the alert', () => {
  const NOTE = '↻ Re-sent *maybe* @everyone';

  it('GIVEN a note and role pings THEN content is the escaped note in italics, then the pings', () => {
    const message = renderDiscordMessage(viewAlert(sampleMoveAlert()), { note: NOTE, roles: ['444444444444444444'] });
    expect(message.content).toBe(`*${escapeDiscordMarkdown(NOTE, { links: false })}*\n<@&444444444444444444>`);
    expect(message.content).not.toMatch(/@everyone/);
    expect(message.allowed_mentions).toEqual({ parse: [], roles: ['444444444444444444'] });
  });

  it('GIVEN a note on the plain fallback of a huge notice THEN it opens the content and the whole stays within 2000 characters', () => {
    const message = renderDiscordFallback(viewAlert(hugeNoticeAlert()), { note: NOTE });
    expect(message.content!.startsWith(`*${escapeDiscordMarkdown(NOTE, { links: false })}*\n`)).toBe(true);
    expect([...message.content!].length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  });
});
