import { describe, expect, it } from 'vitest';
import { diffConfig, feedsWithNewUrl, liveConfig, summarizeKeys } from '../../src/app/config-changes.ts';
import type { AppConfig } from '../../src/config/load-config.ts';
import { testConfig } from '../fakes/runtime.ts';

async function pair(edit: (c: AppConfig) => void, prepare?: (c: AppConfig) => void): Promise<[AppConfig, AppConfig]> {
  const before = await testConfig(prepare);
  const after = structuredClone(before);
  edit(after);
  return [before, after];
}

describe('diffConfig', () => {
  it('GIVEN the same config THEN nothing changed', async () => {
    const [before, after] = await pair(() => {});
    expect(diffConfig(before, after)).toEqual({ changed: [], feeds: { added: [], removed: [], changed: [] }, needsRestart: [] });
  });

  it.each<[string, (c: AppConfig) => void, string[]]>([
    ['a threshold', (c) => (c.alerts.moves.cooldownMinutes = 60), ['alerts.moves.cooldownMinutes']],
    ['a window picked by its minutes', (c) => (c.alerts.market.windows.find((w) => w.minutes === 1440)!.threshold = 0.2), ['alerts.market.windows[minutes=1440].threshold']],
    ['a theme keyword list', (c) => c.themes.themes[0]!.keywords.en!.push('brand new phrase'), ['themes.themes[id=THEME].keywords.en']],
    ['a token removed', (c) => c.tokens.tokens.splice(c.tokens.tokens.findIndex((t) => t.symbol === 'WLD'), 1), ['tokens.tokens[symbol=WLD]']],
    ['a mute list', (c) => c.alerts.moves.muted.push('TAO'), ['alerts.moves.muted']],
  ])('GIVEN %s edited THEN the key names it', async (_what, edit, keys) => {
    const [before, after] = await pair(edit);
    const theme = before.themes.themes[0]!.id;
    expect(diffConfig(before, after)).toMatchObject({ changed: keys.map((k) => k.replace('THEME', theme)), needsRestart: [] });
  });

  it('GIVEN feeds added, removed and changed THEN each is listed by id, and a new URL is reported', async () => {
    const [before, after] = await pair((c) => {
      c.feeds.feeds.shift();
      c.feeds.feeds[0]!.url = 'https://moved.example.com/rss';
      c.feeds.feeds[1]!.weight = 3;
      c.feeds.feeds.push({ id: 'new-blog', name: 'New blog', url: 'https://new.example.com/feed.xml', enabled: true, weight: 1 });
    });
    const [removed, moved, reweighted] = before.feeds.feeds.map((f) => f.id);
    expect(diffConfig(before, after).feeds).toEqual({ added: ['new-blog'], removed: [removed], changed: [moved, reweighted] });
    expect(diffConfig(before, after).changed).toEqual([`feeds.feeds[id=${removed}]`, `feeds.feeds[id=${moved}].url`, `feeds.feeds[id=${reweighted}].weight`, 'feeds.feeds[id=new-blog]']);
    expect(feedsWithNewUrl(before, after)).toEqual([moved]);
  });

  it('GIVEN the timeframe and destination wiring changed THEN those need a restart; schedules and routing filters do not', async () => {
    const destinations = (c: AppConfig) => {
      c.alerts.destinations = [
        { id: 'main', type: 'discord', channelId: '123456789012345678', minSeverity: 'low' },
        { id: 'tg', type: 'telegram', chatId: '-100123', minSeverity: 'low' },
      ];
    };
    const [before, after] = await pair((c) => {
      c.alerts.schedule.feeds = '*/2 * * * *';
      c.alerts.market.timeframe = '15m';
      c.alerts.destinations[0]!.minSeverity = 'high';
      c.alerts.destinations[0]!.kinds = ['move'];
      (c.alerts.destinations[1] as { chatId: string }).chatId = '-100999';
      c.alerts.destinations.push({ id: 'hook', type: 'discord-webhook', urlEnv: 'HOOK_URL', minSeverity: 'low' });
    }, destinations);
    const changes = diffConfig(before, after);
    expect(changes.changed).toEqual([
      'alerts.market.timeframe',
      'alerts.schedule.feeds',
      'alerts.destinations[id=main].minSeverity',
      'alerts.destinations[id=main].kinds',
      'alerts.destinations[id=tg].chatId',
      'alerts.destinations[id=hook]',
    ]);
    expect(changes.needsRestart).toEqual(['alerts.market.timeframe', 'alerts.destinations[id=tg].chatId', 'alerts.destinations[id=hook]']);
  });

  it('GIVEN a new timeframe THEN the whole market section waits for a restart and the running one stays live', async () => {
    const [before, after] = await pair((c) => {
      c.alerts.market.timeframe = '15m';
      c.alerts.market.windows = [{ minutes: 15, threshold: 0.03 }];
      c.alerts.moves.cooldownMinutes = 30;
    });
    const changes = diffConfig(before, after);
    expect(changes.needsRestart).toEqual(['alerts.market.timeframe', 'alerts.market.windows[minutes=60]', 'alerts.market.windows[minutes=240]', 'alerts.market.windows[minutes=1440]', 'alerts.market.windows[minutes=15]']);
    expect(changes.changed).toContain('alerts.moves.cooldownMinutes');
    const live = liveConfig(before, after);
    expect(live.alerts.market).toBe(before.alerts.market);
    expect(live.alerts.moves.cooldownMinutes).toBe(30);
    expect(liveConfig(before, before)).toBe(before);
  });

  it('GIVEN a list without a unique id THEN the whole list is the changed key', async () => {
    const [before, after] = await pair((c) => c.alerts.correlation.eventStudy.horizonsMinutes.push(2880));
    expect(diffConfig(before, after).changed).toEqual(['alerts.correlation.eventStudy.horizonsMinutes']);
  });
});

describe('summarizeKeys', () => {
  it('GIVEN more keys than the limit THEN it keeps the first ones and counts the rest', () => {
    expect(summarizeKeys(['a', 'b', 'c'], 2)).toEqual({ keys: ['a', 'b'], more: 1 });
    expect(summarizeKeys(['a'], 2)).toEqual({ keys: ['a'] });
  });
});
