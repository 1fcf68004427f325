import { describe, expect, it } from 'vitest';
import type { ConfigOverride } from '../../../src/app/commands-store.ts';
import { applyOverrides, parseOverrideKey, resolveOverridePath, valueAt } from '../../../src/app/commands/config-overrides.ts';
import { findSetting, parseFraction, parseHours, parseMinutes } from '../../../src/app/commands/settings.ts';
import { testConfig } from '../../fakes/runtime.ts';

const by = { platform: 'telegram' as const, userId: '1001', userName: 'alice' };
const o = (key: string, value: unknown, at = 0): ConfigOverride => ({ key, value, updatedAt: at, updatedBy: by });

describe('override keys', () => {
  it('GIVEN a key with a selector THEN it parses into steps', () => {
    expect(parseOverrideKey('feeds.feeds[id=coindesk].enabled')).toEqual({
      section: 'feeds',
      steps: [{ prop: 'feeds' }, { match: { field: 'id', value: 'coindesk' } }, { prop: 'enabled' }],
    });
  });

  it.each(['secrets.token', 'alerts', 'alerts.moves..muted', 'alerts.market.windows[minutes=1440', 'alerts.x[a=b c]'])('GIVEN "%s" THEN it is not a key', (key) => {
    expect(parseOverrideKey(key)).toBeUndefined();
  });

  it('GIVEN the bundled config THEN selectors resolve to indices and values', async () => {
    const config = await testConfig();
    expect(resolveOverridePath(config, 'alerts.market.windows[minutes=1440].threshold')).toEqual(['alerts', 'market', 'windows', 2, 'threshold']);
    expect(valueAt(config, 'alerts.market.windows[minutes=1440].threshold')).toBe(0.15);
    expect(valueAt(config, 'feeds.feeds[id=nope].enabled')).toBeUndefined();
  });
});

describe('applyOverrides', () => {
  it('GIVEN valid overrides THEN the effective config has them and the base is untouched', async () => {
    const base = await testConfig();
    const result = applyOverrides(base, [
      o('alerts.moves.cooldownMinutes', 60),
      o('alerts.market.windows[minutes=1440].threshold', 0.1),
      o('alerts.moves.muted', ['WLD']),
      o('feeds.feeds[id=coindesk].enabled', false),
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.config.alerts.moves.cooldownMinutes).toBe(60);
    expect(result.config.alerts.market.windows.find((w) => w.minutes === 1440)?.threshold).toBe(0.1);
    expect(result.config.alerts.moves.muted).toEqual(['WLD']);
    expect(result.config.feeds.feeds.find((f) => f.id === 'coindesk')?.enabled).toBe(false);
    expect(base.alerts.moves.cooldownMinutes).toBe(240);
    expect(result.config.taxonomy).toBe(base.taxonomy); // themes and tokens untouched: no recompile
  });

  it('GIVEN a whole feed under a selector that matches nothing THEN it is appended, defaults filled by the schema', async () => {
    const base = await testConfig();
    const result = applyOverrides(base, [
      o('feeds.feeds[id=my-blog].enabled', false), // child first in the stored order: still applied after its parent
      o('feeds.feeds[id=my-blog]', { id: 'my-blog', name: 'My Blog', url: 'https://blog.example.com/feed.xml' }),
    ]);
    expect(result.rejected).toEqual([]);
    expect(result.config.feeds.feeds.at(-1)).toEqual({ id: 'my-blog', name: 'My Blog', url: 'https://blog.example.com/feed.xml', enabled: false, weight: 1 });
  });

  it.each<[string, ConfigOverride, string]>([
    ['a value the schema refuses', o('alerts.moves.cooldownMinutes', -5), 'alerts.moves.cooldownMinutes: Too small'],
    ['a key the schema does not have', o('alerts.moves.volume', 3), 'Unrecognized key'],
    ['an unknown muted token', o('alerts.moves.muted', ['DOGE']), 'alerts.moves.muted: unknown token "DOGE"'],
    ['an unknown muted theme', o('alerts.stories.muted', ['memes']), 'alerts.stories.muted: unknown theme "memes"'],
    ['a feed whose URL another feed has', o('feeds.feeds[id=copy]', { id: 'copy', name: 'Copy', url: 'https://decrypt.co/feed' }), 'duplicate feed url'],
    ['a feed URL that is not http', o('feeds.feeds[id=ftp]', { id: 'ftp', name: 'F', url: 'ftp://example.com/feed' }), 'only http:// and https://'],
    ['a feed that left the YAML', o('feeds.feeds[id=gone].enabled', true), 'no entry with id "gone"'],
    ['a whole entry whose id differs from its selector', o('feeds.feeds[id=a]', { id: 'b', name: 'B', url: 'https://b.example/feed' }), 'must be an object with id "a"'],
  ])('GIVEN %s THEN it is rejected with the reason, and the others still apply', async (_name, bad, message) => {
    const result = applyOverrides(await testConfig(), [bad, o('alerts.moves.cooldownMinutes', 30)]);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]!.issues.join(' ')).toContain(message);
    expect(result.config.alerts.moves.cooldownMinutes).toBe(30);
  });
});

describe('setting values', () => {
  it.each([
    [parseFraction, '12%', 0.12],
    [parseFraction, '0.08', 0.08],
    [parseFraction, '7.5%', 0.075],
    [parseMinutes, '4h', 240],
    [parseMinutes, '90m', 90],
    [parseMinutes, '1d', 1440],
    [parseMinutes, '45', 45],
    [parseHours, '2d', 48],
  ])('GIVEN %o("%s") THEN %d', (parse, input, value) => {
    expect(parse(input)).toEqual({ ok: true, value });
  });

  it.each([
    [parseFraction, '12'],
    [parseFraction, 'lots'],
    [parseMinutes, 'soon'],
  ])('GIVEN %o("%s") THEN it is refused with an example', (parse, input) => {
    expect(parse(input)).toMatchObject({ ok: false, message: expect.stringMatching(/write it as/) });
  });

  it('GIVEN the ways admins name a threshold THEN they find the same setting', async () => {
    const config = await testConfig();
    const keys = ['threshold:24h', 'threshold 24h', 'THRESHOLD-1440', 'threshold:1d'].map((n) => findSetting(config, n)?.key);
    expect(new Set(keys)).toEqual(new Set(['alerts.market.windows[minutes=1440].threshold']));
    expect(findSetting(config, 'threshold:2h')).toBeUndefined();
  });
});
