import { describe, expect, it } from 'vitest';
import {
  renderTelegramCaption,
  renderTelegramHtml,
  renderTelegramPlainText,
  TELEGRAM_CAPTION_LIMIT,
  TELEGRAM_MESSAGE_LIMIT,
} from '../../../src/adapters/telegram/render-telegram.ts';
import { viewAlert, type AlertView } from '../../../src/domain/alert.ts';
import { buildFloodDigest } from '../../../src/domain/flood-digest.ts';
import { parseTelegramHtml } from '../../../src/loopback/telegram-api.ts';
import {
  HOSTILE_TEXT,
  SAMPLE_NOW,
  hostileStoryAlert,
  hugeMoveAlert,
  hugeNoticeAlert,
  sampleMoveAlert,
  sampleNoticeAlert,
  sampleStoryAlert,
} from '../../fakes/sample-alerts.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function viewWith(overrides: Partial<AlertView>): AlertView {
  return { kind: 'notice', severity: 'low', title: 'T', summary: 'S', fields: [], footer: 'F', ...overrides };
}

describe('renderTelegramHtml', () => {
  it('GIVEN a move alert THEN linked bold title, summary, field lines and italic footer', () => {
    expect(renderTelegramHtml(viewAlert(sampleMoveAlert()))).toBe(
      [
        '<b><a href="https://decrypt.co/2025/03/14/bittensor-subnet-launch">TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)</a></b>',
        'TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1); likely catalyst: "Bittensor launches dynamic TAO for subnets" (Decrypt), 3h earlier, themes: decentralized-ai.',
        '',
        '<b>Price:</b> 400 → 500',
        '<b>BTC:</b> +4.0%',
        '<b>Likely catalyst:</b> "Bittensor launches dynamic TAO for subnets" (Decrypt), 3h earlier, themes: decentralized-ai · score 0.82 · mentions TAO; published 3h before the move',
        'https://decrypt.co/2025/03/14/bittensor-subnet-launch',
        '<b>Also relevant:</b> "AI tokens rally as Nvidia earnings loom" (CoinDesk), 10h after the move began, themes: ai-agents, compute · score 0.41 · theme decentralized-ai links TAO',
        'https://www.coindesk.com/markets/2025/03/14/ai-tokens-rally',
        '<b>Themes:</b> decentralized-ai, ai-agents, compute',
        '',
        '<i>Move alert · abnormal move with a catalyst</i>',
      ].join('\n'),
    );
  });

  it('GIVEN a notice without url THEN a plain bold title', () => {
    expect(renderTelegramHtml(viewAlert(sampleNoticeAlert()))).toBe(
      '<b>Feed "Decrypt" failing</b>\nThe feed returned HTTP 503 for 3 hours; it is retried every 15 minutes.\n\n<i>Admin notice · feed health</i>',
    );
  });

  it('GIVEN hostile feed text THEN Telegram shows it literally with only our entities', () => {
    const html = renderTelegramHtml(viewAlert(hostileStoryAlert()));
    const parsed = parseTelegramHtml(html);
    expect(parsed.text).toContain(HOSTILE_TEXT);
    expect(parsed.text).toContain('<i>Evil</i>');
    expect(parsed.entities.map((e) => e.type).sort()).toEqual(['bold', 'bold', 'bold', 'bold', 'bold', 'italic']);
    expect(parsed.entities.some((e) => e.url !== undefined)).toBe(false); // javascript: never becomes a link
  });

  it('GIVEN a url with quotes and ampersands THEN the href attribute stays intact', () => {
    const html = renderTelegramHtml(viewWith({ title: 'x', url: 'https://ex.com/a?b=1&c="2"' }));
    expect(html.startsWith('<b><a href="https://ex.com/a?b=1&amp;c=%222%22">x</a></b>')).toBe(true);
    expect(parseTelegramHtml(html).entities).toContainEqual({ type: 'text_link', offset: 0, length: 1, url: 'https://ex.com/a?b=1&c=%222%22' });
  });

  it.each([
    { name: 'huge move alert (10,000-char titles)', view: viewAlert(hugeMoveAlert()) },
    { name: 'huge notice (emoji and escapes)', view: viewAlert(hugeNoticeAlert()) },
    { name: 'huge notice (family emoji)', view: viewAlert(hugeNoticeAlert('👩‍👩‍👧‍👦')) },
    { name: 'ampersands everywhere', view: viewWith({ title: '&'.repeat(2000), summary: '&<>'.repeat(5000), footer: '&'.repeat(1000) }) },
    { name: 'many long fields', view: viewWith({ summary: 'S '.repeat(3000), fields: Array.from({ length: 30 }, (_, i) => ({ name: `F${i}`, value: '<v>'.repeat(500) })) }) },
    { name: 'story', view: viewAlert(sampleStoryAlert()) },
  ])('GIVEN $name THEN ≤ 4096 characters of well-formed HTML', ({ view }) => {
    const html = renderTelegramHtml(view);
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(html).not.toMatch(LONE_SURROGATE);
    const parsed = parseTelegramHtml(html); // throws on a cut tag or entity
    expect(parsed.text.length).toBeGreaterThan(0);
    expect(html).not.toMatch(/&[#a-z0-9]*(?=[^;#a-z0-9]|$)(?<!&(amp|lt|gt|quot))/i);
  });

  it('GIVEN a huge summary THEN the summary is cut with an ellipsis and the footer survives', () => {
    const html = renderTelegramHtml(viewWith({ summary: 'word '.repeat(5000), footer: 'the footer' }));
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(html).toMatch(/word…\n\n<i>the footer<\/i>$/);
  });

  it('GIVEN many fields THEN trailing fields go before the summary is starved', () => {
    const fields = Array.from({ length: 8 }, (_, i) => ({ name: `Field ${i}`, value: 'v'.repeat(1024) }));
    const parsed = parseTelegramHtml(renderTelegramHtml(viewWith({ summary: 'important '.repeat(100), fields })));
    expect(parsed.text).toContain('Field 0');
    expect(parsed.text).not.toContain('Field 7');
    expect(parsed.text).toContain('important '.repeat(30));
  });
});

describe('renderTelegramPlainText', () => {
  it('GIVEN a huge alert THEN plain text within the limit', () => {
    const text = renderTelegramPlainText(viewAlert(hugeMoveAlert()));
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(text.startsWith('[HIGH] TAO +25.0%')).toBe(true);
  });

  it('GIVEN hostile text THEN it is sent as is (no parse_mode, nothing to escape) minus control characters', () => {
    const text = renderTelegramPlainText(viewWith({ title: '<b>x</b>\u001B[31m' }));
    expect(text.startsWith('[LOW] <b>x</b>[31m')).toBe(true);
  });
});

describe('renderTelegramHtml digests and captions', () => {
  const many = (n: number) =>
    Array.from({ length: n }, (_, i) => sampleStoryAlert({ key: `s${i}`, story: { ...sampleStoryAlert().story, title: `Story ${i} <b>&</b> ${'long '.repeat(20)}`, url: `https://news.example/${i}?a=1&b="2"` } }));

  it('GIVEN a digest of 200 THEN linked lines as fit, "…and N more", and valid HTML within 4096', () => {
    const digest = buildFloodDigest({ id: 'x', destination: 'tg', alerts: [hostileStoryAlert(), ...many(200)], backlog: 201, threshold: 20, now: SAMPLE_NOW });
    const html = renderTelegramHtml(viewAlert(digest));
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    const parsed = parseTelegramHtml(html);
    const lines = parsed.text.split('\n');
    const listed = lines.filter((l) => l.startsWith('• ')).length;
    const more = lines.find((l) => l.startsWith('…and '));
    expect(listed).toBeGreaterThan(5);
    expect(listed + Number(/\d+/.exec(more!)![0])).toBe(201);
    expect(parsed.entities.filter((e) => e.type === 'text_link').map((e) => e.url)).toContain('https://news.example/0?a=1&b=%222%22');
    expect(parsed.entities.every((e) => e.url === undefined || e.url.startsWith('https://'))).toBe(true);
    expect(lines.find((l) => l.startsWith('• @everyone'))).toBeDefined(); // shown as text, and the javascript: link dropped
    expect(html).toContain('Story 0 &lt;b&gt;&amp;&lt;/b&gt;');
  });

  it('GIVEN a small digest THEN every alert is listed, oldest first', () => {
    const digest = buildFloodDigest({ id: 'x', destination: 'tg', alerts: many(3), backlog: 3, threshold: 2, now: SAMPLE_NOW });
    const text = parseTelegramHtml(renderTelegramHtml(viewAlert(digest))).text;
    expect(text.split('\n').filter((l) => l.startsWith('• ')).map((l) => l.slice(2, 9))).toEqual(['Story 0', 'Story 1', 'Story 2']);
  });

  it.each([
    { name: 'a move alert', view: viewAlert(sampleMoveAlert()) },
    { name: 'a huge move alert', view: viewAlert(hugeMoveAlert()) },
    { name: 'a hostile story', view: viewAlert(hostileStoryAlert()) },
    { name: 'a 5,000-emoji title', view: viewWith({ title: '🤖'.repeat(5000) }) },
  ])('GIVEN $name THEN the photo caption is valid HTML within 1024', ({ view }) => {
    const caption = renderTelegramCaption(view);
    expect(caption.length).toBeLessThanOrEqual(TELEGRAM_CAPTION_LIMIT);
    expect(caption.length).toBeGreaterThan(0);
    expect(() => parseTelegramHtml(caption)).not.toThrow();
    expect(caption).not.toMatch(LONE_SURROGATE);
  });
});

describe('renderTelegramPlainText digests', () => {
  it('GIVEN a digest THEN the plain fallback (and the console) lists its alerts with their links, within 4096', () => {
    const alerts = Array.from({ length: 300 }, (_, i) => sampleStoryAlert({ key: `s${i}`, story: { ...sampleStoryAlert().story, title: `Story ${i}`, url: `https://news.example/${i}` } }));
    const text = renderTelegramPlainText(viewAlert(buildFloodDigest({ id: 'x', destination: 'tg', alerts, backlog: 300, threshold: 20, now: SAMPLE_NOW })));
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(text.split('\n').slice(0, 4)).toEqual([
      '[MEDIUM] Catch-up digest: 300 alerts',
      'More alerts were waiting for this channel than it can take one by one, so they come together here, oldest first.',
      '  • Story 0 https://news.example/0',
      '  • Story 1 https://news.example/1',
    ]);
  });
});

describe('Telegram rendering with a note above the alert', () => {
  const NOTE = '↻ Re-sent <maybe> & again';

  it.each([
    { name: 'a huge move alert', alert: hugeMoveAlert() },
    { name: 'a huge notice', alert: hugeNoticeAlert() },
    { name: 'a hostile story', alert: hostileStoryAlert() },
  ])('GIVEN $name THEN the note is the escaped first line, in italics, and the whole stays within the limit', ({ alert }) => {
    const html = renderTelegramHtml(viewAlert(alert), { note: NOTE });
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(html.split('\n')[0]).toBe('<i>↻ Re-sent &lt;maybe&gt; &amp; again</i>');
    const parsed = parseTelegramHtml(html);
    expect(parsed.text.split('\n')[0]).toBe(NOTE);
    expect(parsed.entities[0]).toEqual({ type: 'italic', offset: 0, length: NOTE.length });
  });

  it('GIVEN the plain form of a huge alert THEN the note comes first and the cut falls at the end', () => {
    const text = renderTelegramPlainText(viewAlert(hugeMoveAlert()), { note: NOTE });
    expect(text.startsWith(`${NOTE}\n`)).toBe(true);
    expect(text.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
  });

  it('GIVEN no note THEN the rendering is unchanged', () => {
    const view = viewAlert(sampleMoveAlert());
    expect(renderTelegramHtml(view, {})).toBe(renderTelegramHtml(view));
    expect(renderTelegramHtml(view, { note: '  ' })).toBe(renderTelegramHtml(view));
  });
});
