import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/app/commands/run-command.ts';
import { parseCommandText, type ParsedCommand } from '../../../src/app/commands/parse.ts';
import { shouldDeliver } from '../../../src/app/commands/subscription.ts';
import type { CommandContext, Reply } from '../../../src/app/commands/types.ts';
import { themeLinks } from '../../../src/app/detect-moves.ts';
import { sampleMoveAlert } from '../../fakes/sample-alerts.ts';
import { adminCtx, commandsFixture, HOUR, memberCtx, SAMPLE_NOW, seedCandles, seedMoveAlert, seedPost, strangerCtx, type CommandsFixture } from './fixtures.ts';

/** Run a command typed as on Telegram. */
async function say(f: CommandsFixture, ctx: CommandContext, text: string): Promise<Reply> {
  const [, name = '', payload = ''] = /^\/(\w+)\s*(.*)$/s.exec(text) ?? [];
  const command = parseCommandText(name, payload) as ParsedCommand;
  return runCommand(command, ctx, f.deps);
}

const field = (reply: Reply, name: string) => reply.fields?.find((f) => f.name === name)?.value;

describe('/price', () => {
  it('GIVEN 30 hours of stored candles THEN it answers the latest close and the change over 24h, without an exchange', async () => {
    const f = await commandsFixture();
    const closes = Array.from({ length: 30 }, (_, i) => 400 + i * 4); // the last is 516; 24 candles earlier, 420
    seedCandles(f.rt.store, 'TAO', SAMPLE_NOW - 30 * HOUR, closes);
    const reply = await say(f, memberCtx, '/price $tao');
    expect(reply).toMatchObject({ status: 'ok', title: 'TAO 516 USDT', private: false });
    expect(field(reply, '24h change')).toBe('+22.9%');
    expect(field(reply, 'Latest candle')).toBe('1h opened 2025-03-14 11:00 UTC (1h ago)');
  });

  it('GIVEN a former ticker THEN it answers for the token it became', async () => {
    const f = await commandsFixture();
    seedCandles(f.rt.store, 'RENDER', SAMPLE_NOW - 3 * HOUR, [5, 5.5]);
    const reply = await say(f, memberCtx, '/price RNDR');
    expect(reply.title).toBe('RENDER 5.5 USDT');
    expect(field(reply, 'Change over 1h (less history stored)')).toBe('+10.0%');
  });

  it.each([
    ['/price TAO', 'empty', 'No price stored for TAO yet'],
    ['/price DOGE', 'invalid', '"DOGE" is not a tracked token'],
  ])('GIVEN %s with nothing to show THEN it says so (%s)', async (text, status, title) => {
    const f = await commandsFixture();
    expect(await say(f, memberCtx, text)).toMatchObject({ status, title });
  });
});

describe('/why', () => {
  it('GIVEN a stored move alert THEN it answers the move, its numbers and its catalysts', async () => {
    const f = await commandsFixture({ now: SAMPLE_NOW + 2 * HOUR });
    seedMoveAlert(f.rt.store);
    const reply = await say(f, memberCtx, '/why TAO');
    expect(reply.status).toBe('ok');
    expect(reply.title).toBe('TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)');
    expect(reply.url).toBe('https://decrypt.co/2025/03/14/bittensor-subnet-launch');
    expect(reply.text).toContain('likely catalyst: "Bittensor launches dynamic TAO for subnets" (Decrypt)');
    expect(field(reply, 'Alerted')).toBe('2h ago · high severity');
    expect(field(reply, 'Abnormal vs BTC')).toBe('+21.0%');
    expect(field(reply, 'z-score')).toBe('4.1');
    expect(field(reply, 'Price')).toBe('400 → 500');
    expect(field(reply, 'Likely catalyst')).toContain('https://decrypt.co/2025/03/14/bittensor-subnet-launch');
    expect(field(reply, 'Also relevant')).toContain('AI tokens rally as Nvidia earnings loom');
  });

  it('GIVEN two moves THEN the latest one is explained', async () => {
    const f = await commandsFixture();
    seedMoveAlert(f.rt.store, { key: 'old', createdAt: SAMPLE_NOW - 10 * HOUR });
    seedMoveAlert(f.rt.store, { key: 'new', createdAt: SAMPLE_NOW - HOUR, move: { ...sampleMoveAlert().move, direction: 'down', return: -0.12, abnormalVsBtc: -0.1 } });
    expect((await say(f, memberCtx, '/why TAO')).title).toMatch(/^TAO −12\.0% in 24h/);
  });

  it('GIVEN no move alert THEN it says what would make one', async () => {
    const f = await commandsFixture();
    const reply = await say(f, memberCtx, '/why AKT');
    expect(reply).toMatchObject({ status: 'empty', title: 'No move alert for AKT yet' });
    expect(reply.text).toContain('15% in 24h');
  });
});

describe('/themes and /digest', () => {
  async function withPosts(): Promise<CommandsFixture> {
    const f = await commandsFixture();
    const inference = { id: 'decentralized-inference', name: 'Decentralized inference', score: 3 };
    const gpu = { id: 'gpu-compute', name: 'Decentralized GPU compute', score: 2 };
    seedPost(f.rt.store, { id: 'p1', title: 'Bittensor subnets surge', publishedAt: SAMPLE_NOW - 2 * HOUR, themes: [inference], tokens: ['TAO'], sentiment: 0.6 });
    seedPost(f.rt.store, { id: 'p2', title: 'Subnets: tradução', source: 'Portal', publishedAt: SAMPLE_NOW - HOUR, storyId: 'p1', themes: [inference], sentiment: 0.4, language: 'pt' });
    seedPost(f.rt.store, { id: 'p3', title: 'GPU rental prices slump', publishedAt: SAMPLE_NOW - 3 * HOUR, themes: [gpu], sentiment: -0.5 });
    seedPost(f.rt.store, { id: 'p0', title: 'Yesterday: GPU news', publishedAt: SAMPLE_NOW - 30 * HOUR, themes: [gpu] });
    seedMoveAlert(f.rt.store, { createdAt: SAMPLE_NOW - HOUR });
    return f;
  }

  it('GIVEN tagged posts today and yesterday THEN /themes shows mindshare, its change and sentiment', async () => {
    const f = await withPosts();
    const reply = await say(f, memberCtx, '/themes');
    expect(reply.status).toBe('ok');
    expect(reply.fields).toEqual([
      { name: 'Decentralized inference', value: 'mindshare 66.7% (+66.7 pts) · bullish (0.50) · 2 posts' },
      { name: 'Decentralized GPU compute', value: 'mindshare 33.3% (−66.7 pts) · bearish (-0.50) · 1 posts' },
    ]);
  });

  it('GIVEN recorded narrative series THEN /themes reads mindshare from them rather than recomputing', async () => {
    const f = await commandsFixture();
    const hour = Math.floor((SAMPLE_NOW - 2 * HOUR) / HOUR) * HOUR;
    const point = (series: string, posts: number, sentiment: number, bucketStart = hour) => ({ series, bucketStart, posts, stories: posts, share: posts / 4, sentiment, bucketPosts: 4 });
    f.rt.store.recordNarrativePoints([point('ai-agents', 3, 0.4), point('d-acc', 1, -0.3), point('ai-agents', 1, 0, hour - 24 * HOUR)]);
    const reply = await say(f, memberCtx, '/themes');
    expect(reply.fields?.map((x) => x.name)).toEqual(['AI agents', 'd/acc (defensive acceleration)']);
    expect(reply.fields?.[0]?.value).toBe('mindshare 75.0% (+50.0 pts) · bullish (0.40) · 3 posts');
  });

  it('GIVEN the same data THEN /digest lists the story once with its languages, the move with its catalyst, and sentiment', async () => {
    const f = await withPosts();
    const reply = await say(f, memberCtx, '/digest');
    expect(reply.fields?.map((x) => x.name)).toEqual(['Top stories by theme', 'Biggest abnormal moves', 'Sentiment and mindshare']);
    const stories = reply.fields![0]!.value;
    expect(stories).toContain('Decentralized inference:\n• "Bittensor subnets surge" (Blog) · 2 languages: en, pt · 2 sources');
    expect(stories).not.toContain('tradução'); // a translation is the same story, shown as its original
    expect(reply.fields![1]!.value).toContain('TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1); likely catalyst: "Bittensor launches dynamic TAO for subnets"');
    expect(reply.fields![2]!.value).toContain('Sector: bullish (0.17) · 3 posts');
  });

  it('GIVEN a Portuguese subscription THEN the digest labels are in Portuguese', async () => {
    const f = await withPosts();
    await say(f, memberCtx, '/subscribe language pt');
    const reply = await say(f, memberCtx, '/digest');
    expect(reply.fields?.[0]?.name).toBe('Principais histórias por tema');
  });
});

describe('/subscribe, /unsubscribe, /settings', () => {
  it('GIVEN a chat that is not a destination THEN subscribing explains how to make it one', async () => {
    const f = await commandsFixture();
    const reply = await say(f, strangerCtx, '/subscribe TAO');
    expect(reply).toMatchObject({ status: 'invalid', title: 'This chat does not receive alerts', private: true });
    expect(reply.text).toContain('chatId: "3003"');
  });

  it('GIVEN /subscribe TAO and a theme THEN the channel only receives those, as the delivery filter decides', async () => {
    const f = await commandsFixture();
    const reply = await say(f, memberCtx, '/subscribe TAO gpu-compute');
    expect(reply).toMatchObject({ status: 'ok', title: 'Subscription updated' });
    expect(field(reply, 'Topics')).toBe('TAO, gpu-compute');
    const sub = f.rt.store.getSubscription('tg-main');
    const links = themeLinks(f.rt);
    const at = (symbol: string) => sampleMoveAlert({ move: { ...sampleMoveAlert().move, symbol } });
    expect(shouldDeliver(at('TAO'), sub, SAMPLE_NOW, links)).toEqual({ deliver: true, silent: false });
    expect(shouldDeliver(at('RENDER'), sub, SAMPLE_NOW, links)).toEqual({ deliver: true, silent: false }); // via gpu-compute
    expect(shouldDeliver(at('WLD'), sub, SAMPLE_NOW, links)).toMatchObject({ deliver: false, reason: 'not-subscribed' });
    expect(f.rt.store.auditLog({ target: 'subscription:tg-main' })).toMatchObject([{ action: 'subscribe', outcome: 'applied', actor: { userId: '2002' }, newValue: { tokens: ['TAO'], themes: ['gpu-compute'] } }]);
  });

  it('GIVEN moves silent and high severity THEN the filter follows', async () => {
    const f = await commandsFixture();
    await say(f, memberCtx, '/subscribe moves silent');
    await say(f, memberCtx, '/subscribe severity high');
    const sub = f.rt.store.getSubscription('tg-main');
    expect(shouldDeliver(sampleMoveAlert(), sub, SAMPLE_NOW)).toEqual({ deliver: true, silent: true, reason: 'kind-silent' });
    expect(shouldDeliver(sampleMoveAlert({ severity: 'medium' }), sub, SAMPLE_NOW)).toMatchObject({ deliver: false, reason: 'below-severity' });
  });

  it.each([
    ['/subscribe DOGE', 'not a token or theme: DOGE'],
    ['/subscribe timezone Mars/Olympus', 'timeZone: unknown time zone'],
    ['/subscribe severity extreme', 'minSeverity'],
    ['/subscribe digest 9:75', 'digestAt: use 24-hour HH:MM'],
  ])('GIVEN %s THEN nothing is stored and the reply says why', async (text, message) => {
    const f = await commandsFixture();
    const reply = await say(f, memberCtx, text);
    expect(reply.status).toBe('invalid');
    expect(reply.text).toContain(message);
    expect(f.rt.store.getSubscription('tg-main')).toBeUndefined();
  });

  it('GIVEN topics followed THEN /unsubscribe drops one, refuses an unfollowed one, and "all" resets', async () => {
    const f = await commandsFixture();
    await say(f, memberCtx, '/subscribe TAO AKT');
    expect(field(await say(f, memberCtx, '/unsubscribe tao'), 'Topics')).toBe('AKT');
    expect((await say(f, memberCtx, '/unsubscribe WLD')).text).toBe('This chat does not follow WLD. It follows: AKT.');
    expect((await say(f, memberCtx, '/unsubscribe all')).title).toBe('Subscription reset');
    expect(f.rt.store.getSubscription('tg-main')).toBeUndefined();
  });

  it('GIVEN /settings THEN it shows the subscription privately', async () => {
    const f = await commandsFixture();
    await say(f, memberCtx, '/subscribe digest 08:30');
    const reply = await say(f, memberCtx, '/settings');
    expect(reply).toMatchObject({ status: 'ok', private: true });
    expect(field(reply, 'Daily digest')).toBe('at 08:30');
  });
});

describe('/alerts (admins)', () => {
  it('GIVEN a non-admin THEN /alerts set is refused politely, nothing changes, and the attempt is logged and audited', async () => {
    const f = await commandsFixture();
    const reply = await say(f, memberCtx, '/alerts set cooldown 1h');
    expect(reply).toMatchObject({ status: 'refused', title: 'Sorry, that is for admins', private: true });
    expect(reply.text).toContain('TELEGRAM_ADMIN_IDS');
    expect(reply.text).toContain('Your user id is 2002');
    expect(f.rt.config.alerts.moves.cooldownMinutes).toBe(240);
    expect(f.rt.store.listOverrides()).toEqual([]);
    expect(f.rt.store.auditLog()).toMatchObject([{ action: 'alerts set', outcome: 'refused', actor: { platform: 'telegram', userId: '2002' } }]);
    expect(f.rt.log.records).toContainEqual(expect.objectContaining({ level: 'warn', msg: 'admin command refused: not an admin' }));
  });

  it('GIVEN an admin THEN a change is validated, stored, audited and applied to the running config', async () => {
    const f = await commandsFixture();
    const reply = await say(f, adminCtx, '/alerts set cooldown 1h');
    expect(reply).toMatchObject({ status: 'ok', title: 'Alert settings changed', fields: [{ name: 'cooldown', value: '4h → 1h' }] });
    expect(f.rt.config.alerts.moves.cooldownMinutes).toBe(60);
    expect(f.rt.store.listOverrides()).toMatchObject([{ key: 'alerts.moves.cooldownMinutes', value: 60, updatedBy: { platform: 'telegram', userId: '1001', userName: 'alice' } }]);
    expect(f.rt.store.auditLog()).toMatchObject([{ action: 'alerts set', target: 'alerts.moves.cooldownMinutes', oldValue: 240, newValue: 60, outcome: 'applied' }]);
    expect(f.base.alerts.moves.cooldownMinutes).toBe(240); // the YAML defaults stay what they were
  });

  it('GIVEN a threshold change THEN the window threshold changes and the tagger is untouched', async () => {
    const f = await commandsFixture();
    const tagger = f.rt.tagger;
    expect((await say(f, adminCtx, '/alerts set threshold 24h 12%')).fields).toEqual([{ name: 'threshold:24h', value: '15% → 12%' }]);
    expect(f.rt.config.alerts.market.windows.map((w) => w.threshold)).toEqual([0.05, 0.08, 0.12]);
    expect(f.rt.tagger).not.toBe(tagger); // applyConfig recompiles; same taxonomy object in
  });

  it.each([
    ['/alerts set escalation 0.5', 'alerts.moves.escalationFactor: Too small'],
    ['/alerts set cooldown soon', 'is not a duration'],
    ['/alerts set volume 3', '"volume" is not a setting'],
    ['/alerts mute DOGE', '"DOGE" is not a token or theme'],
  ])('GIVEN %s THEN it is refused with the reason and nothing changes', async (text, message) => {
    const f = await commandsFixture();
    const reply = await say(f, adminCtx, text);
    expect(reply.status).toBe('invalid');
    expect(`${reply.title} ${reply.text}`).toContain(message);
    expect(f.rt.store.listOverrides()).toEqual([]);
  });

  it('GIVEN mute, unmute and reset THEN mutes follow and reset returns to alerts.yaml', async () => {
    const f = await commandsFixture();
    await say(f, adminCtx, '/alerts mute WLD');
    await say(f, adminCtx, '/alerts mute gpu-compute');
    expect(f.rt.config.alerts.moves.muted).toEqual(['WLD']);
    expect(f.rt.config.alerts.stories.muted).toEqual(['gpu-compute']);
    expect((await say(f, adminCtx, '/alerts mute wld')).title).toBe('WLD is already muted');
    await say(f, adminCtx, '/alerts unmute WLD');
    expect(f.rt.config.alerts.moves.muted).toEqual([]);
    await say(f, adminCtx, '/alerts set cooldown 2h');
    const reset = await say(f, adminCtx, '/alerts reset all');
    expect(reset.fields?.map((x) => x.name).sort()).toEqual(['cooldown', 'muted themes', 'muted tokens']);
    expect(f.rt.store.listOverrides()).toEqual([]);
    expect(f.rt.config.alerts.moves.cooldownMinutes).toBe(240);
    expect(f.rt.config.alerts.stories.muted).toEqual([]);
  });

  it('GIVEN /alerts quiet THEN this destination gets quiet hours, and /alerts show marks chat-set values', async () => {
    const f = await commandsFixture();
    expect((await say(f, adminCtx, '/alerts quiet 22:00-7:00')).title).toBe('Quiet hours 22:00–07:00 (UTC)');
    expect(f.rt.store.getSubscription('tg-main')?.quietHours).toEqual({ from: '22:00', to: '07:00' });
    await say(f, adminCtx, '/alerts set min-z 2.5');
    const shown = await say(f, adminCtx, '/alerts');
    expect(field(shown, 'min-z')).toMatch(/^2\.5 \(set from chat\)/);
    expect(field(shown, 'cooldown')).toMatch(/^4h · /);
    expect(field(shown, 'quiet hours here')).toBe('22:00–07:00 UTC');
  });
});

describe('/feeds (admins)', () => {
  it('GIVEN a non-admin THEN /feeds add is refused and audited', async () => {
    const f = await commandsFixture();
    expect((await say(f, memberCtx, '/feeds add https://blog.example.com/feed.xml')).status).toBe('refused');
    expect(f.rt.config.feeds.feeds.some((x) => x.url.includes('blog.example.com'))).toBe(false);
    expect(f.rt.store.auditLog()).toMatchObject([{ action: 'feeds add', outcome: 'refused' }]);
  });

  it('GIVEN a public feed URL THEN it is added to the running config, polled next cycle, and listed as added from chat', async () => {
    const f = await commandsFixture();
    const reply = await say(f, adminCtx, '/feeds add https://blog.example.com/feed.xml');
    expect(reply).toMatchObject({ status: 'ok', title: 'Feed added: blog.example.com (blog-example-com)' });
    expect(f.rt.config.feeds.feeds.at(-1)).toEqual({ id: 'blog-example-com', name: 'blog.example.com', url: 'https://blog.example.com/feed.xml', enabled: true, weight: 1 });
    expect((await say(f, adminCtx, '/feeds list')).text).toContain('blog-example-com: not polled yet · 0 items · last ok never · added from chat');
    expect((await say(f, adminCtx, '/feeds add https://blog.example.com/feed.xml')).text).toBe('That URL is already the feed "blog-example-com".');
  });

  it.each([
    ['/feeds add http://127.0.0.1:8080/feed', '127.0.0.1 is not a public address'],
    ['/feeds add https://rebind.example.com/rss', 'points to 10.1.2.3'],
    ['/feeds add file:///etc/passwd', 'only http:// and https://'],
    ['/feeds add https://blog.example.com/feed.xml Bad_Id', 'use lower-case letters, digits and dashes'],
  ])('GIVEN %s THEN it is refused: %s', async (text, reason) => {
    const f = await commandsFixture();
    const before = f.rt.config.feeds.feeds.length;
    const reply = await say(f, adminCtx, text);
    expect(reply.status).toBe('invalid');
    expect(reply.text).toContain(reason);
    expect(f.rt.config.feeds.feeds).toHaveLength(before);
  });

  it('GIVEN private addresses are allowed by the operator THEN a loopback feed is accepted', async () => {
    const f = await commandsFixture({ allowPrivate: true });
    expect((await say(f, adminCtx, '/feeds add http://127.0.0.1:8080/feed.xml local-test Local Test')).title).toBe('Feed added: Local Test (local-test)');
  });

  it('GIVEN disable then enable THEN the override goes, and a feed disabled after failures gets its state cleared', async () => {
    const f = await commandsFixture();
    await say(f, adminCtx, '/feeds disable coindesk');
    expect(f.rt.config.feeds.feeds.find((x) => x.id === 'coindesk')?.enabled).toBe(false);
    expect(f.rt.store.listOverrides().map((o) => o.key)).toEqual(['feeds.feeds[id=coindesk].enabled']);
    f.rt.store.saveFeedState({ feedId: 'coindesk', failures: 12, nextPollAt: SAMPLE_NOW + HOUR, disabledAt: SAMPLE_NOW, disabledReason: '12 failures', itemsSeen: 3 });
    expect((await say(f, adminCtx, '/feeds enable coindesk')).title).toBe('coindesk enabled: polled on the next feed cycle');
    expect(f.rt.store.listOverrides()).toEqual([]); // back to the YAML's value: no override pinned
    expect(f.rt.store.getFeedState('coindesk')).toMatchObject({ failures: 0, nextPollAt: 0, disabledAt: undefined });
    expect(f.rt.store.auditLog().map((r) => `${r.action} ${r.target}`)).toEqual([
      'feeds enable feed-state:coindesk',
      'feeds enable feeds.feeds[id=coindesk].enabled',
      'feeds disable feeds.feeds[id=coindesk].enabled',
    ]);
  });

  it('GIVEN /feeds status THEN it shows the feed and its health', async () => {
    const f = await commandsFixture();
    f.rt.store.saveFeedState({ feedId: 'decrypt', failures: 2, nextPollAt: 0, lastError: 'HTTP 503', lastSuccessAt: SAMPLE_NOW - 3 * HOUR, itemsSeen: 40 });
    const reply = await say(f, adminCtx, '/feeds status decrypt');
    expect(field(reply, 'Status')).toBe('failing ×2: HTTP 503');
    expect(field(reply, 'Last success')).toBe('3h ago');
    expect((await say(f, adminCtx, '/feeds status nope')).title).toBe('No feed "nope"');
  });
});

describe('runCommand', () => {
  it('GIVEN wrong arguments THEN the reply is the usage, privately', async () => {
    const f = await commandsFixture();
    expect(await say(f, memberCtx, '/why')).toMatchObject({ status: 'invalid', title: '/why needs one token, e.g. /why TAO', text: 'Usage: /why TOKEN', private: true });
  });

  it('GIVEN a resolver that throws THEN the reply is an apology and the error is logged', async () => {
    const f = await commandsFixture();
    f.rt.store.latestMoveAlert = () => {
      throw new Error('disk on fire');
    };
    expect(await say(f, memberCtx, '/why TAO')).toMatchObject({ status: 'error', title: 'Sorry, something went wrong' });
    expect(f.rt.log.records).toContainEqual(expect.objectContaining({ level: 'error', msg: 'command failed (bug?)' }));
  });

  it('GIVEN /help from a member THEN admin commands are not listed; from an admin they are', async () => {
    const f = await commandsFixture();
    const names = (r: Reply) => r.fields?.map((x) => x.name.split(' ')[0]);
    expect(names(await say(f, memberCtx, '/help'))).not.toContain('/alerts');
    expect(names(await say(f, adminCtx, '/help'))).toContain('/alerts');
  });
});
