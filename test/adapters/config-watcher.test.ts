/**
 * Config hot reload with a real fs.watch on a temp copy of the bundled config:
 * edits are written as editors write them, and every assertion waits for an
 * observable effect (the running config, a log record) instead of sleeping.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchConfig, type ConfigWatcher } from '../../src/adapters/config-watcher.ts';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createRuntime, type Runtime } from '../../src/app/runtime.ts';
import { loadConfig, type AppConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { tagPost } from '../../src/domain/tagging.ts';
import { FixedClock } from '../fakes/clock.ts';
import { recordingLogger, type LogRecord } from '../fakes/silent-logger.ts';

const WAIT = { timeout: 10_000, interval: 25 };

let dir: string;
let records: LogRecord[];
let rt: Runtime;
let watcher: ConfigWatcher;
let yamlSeen: AppConfig[];

const file = (name: string) => path.join(dir, name);
const edit = (name: string, from: string | RegExp, to: string) => {
  const text = readFileSync(file(name), 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  writeFileSync(file(name), next);
};
const logged = (msg: string) => records.filter((r) => r.msg === msg);
const reloads = () => logged('config reloaded');

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'radar-config-watch-'));
  cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  records = [];
  const log = recordingLogger(records);
  rt = createRuntime({ config: await loadConfig(dir), store: openSqliteStore(':memory:'), clock: new FixedClock(0), log, destinations: [{ id: 'main', minSeverity: 'low' }] });
  yamlSeen = [];
  watcher = await watchConfig({ dir, runtime: rt, log, debounceMs: 100, rearmMs: 50, onReload: (yaml) => yamlSeen.push(yaml) });
});

afterEach(() => {
  watcher.close();
  rt.store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('watchConfig', () => {
  it('GIVEN a new keyword saved in themes.yaml THEN tagging uses it without a restart', async () => {
    const post = { title: 'Zebra quokka protocol goes live', text: '' };
    expect(tagPost(rt.tagger, post).themes).toEqual([]);
    edit('themes.yaml', 'DeAI, ', 'DeAI, { term: zebra quokka protocol, weight: 3 }, ');
    await vi.waitFor(() => expect(tagPost(rt.tagger, post).themes.map((t) => t.id)).toEqual(['decentralized-inference']), WAIT);
    expect(reloads()[0]?.obj).toMatchObject({ changed: ['themes.themes[id=decentralized-inference].keywords.en'] });
    expect(yamlSeen).toHaveLength(1);
  });

  it('GIVEN a threshold edited THEN the running config has it and the log names the key', async () => {
    edit('alerts.yaml', 'cooldownMinutes: 240', 'cooldownMinutes: 45');
    await vi.waitFor(() => expect(rt.config.alerts.moves.cooldownMinutes).toBe(45), WAIT);
    expect(reloads().map((r) => r.obj)).toMatchObject([{ changed: ['alerts.moves.cooldownMinutes'], feeds: { added: [], removed: [], changed: [] } }]);
  });

  it('GIVEN an admin override stored in the database THEN a reload re-applies it over the YAML', async () => {
    rt.store.setOverride(
      { key: 'alerts.moves.cooldownMinutes', value: 15, updatedAt: 0, updatedBy: { platform: 'telegram', userId: '1' } },
      { at: 0, actor: { platform: 'telegram', userId: '1' }, action: 'alerts set', target: 'alerts.moves.cooldownMinutes', newValue: 15, outcome: 'applied' },
    );
    edit('alerts.yaml', 'cooldownMinutes: 240', 'cooldownMinutes: 45');
    edit('alerts.yaml', 'minZ: 2 ', 'minZ: 3 ');
    await vi.waitFor(() => expect(rt.config.alerts.market.minZ).toBe(3), WAIT);
    expect(rt.config.alerts.moves.cooldownMinutes).toBe(15);
    expect(yamlSeen.at(-1)!.alerts.moves.cooldownMinutes).toBe(45);
  });

  it.each([
    ['invalid YAML', 'alerts.yaml', 'cooldownMinutes: 240', 'cooldownMinutes: [240', /alerts\.yaml:\d+:\d+ +\(file\): YAML syntax/],
    ['a schema error', 'alerts.yaml', 'cooldownMinutes: 240', 'cooldownMinutes: -5', /alerts\.yaml:40:3 +moves\.cooldownMinutes: /],
    ['a cross-file error', 'themes.yaml', 'tokens: [TAO, AKT, NEAR, FET, IO]', 'tokens: [TAO, NOPE]', /themes\.yaml:\d+:\d+ +themes\[0\]\.tokens\[1\]: unknown token "NOPE"/],
  ])('GIVEN %s THEN the reload is rejected with file:line:key and the previous config stays', async (_what, name, from, to, issue) => {
    const before = rt.config;
    edit(name, from, to);
    await vi.waitFor(() => expect(logged('config reload rejected: fix the problems listed; the previous config stays in force')).toHaveLength(1), WAIT);
    const rejected = logged('config reload rejected: fix the problems listed; the previous config stays in force')[0]!;
    expect(rejected.level).toBe('error');
    expect((rejected.obj as { issues: string[] }).issues.some((i) => issue.test(i) && i.includes(file(name)))).toBe(true);
    expect(rt.config).toBe(before);

    // Fixing the file applies the fix.
    writeFileSync(file(name), readFileSync(file(name), 'utf8').replace(to, from));
    edit('alerts.yaml', 'cooldownMinutes: 240', 'cooldownMinutes: 30');
    await vi.waitFor(() => expect(rt.config.alerts.moves.cooldownMinutes).toBe(30), WAIT);
  });

  it('GIVEN many saves in a burst THEN one reload applies the last one', async () => {
    for (let minutes = 100; minutes <= 110; minutes++) edit('alerts.yaml', /cooldownMinutes: \d+/, `cooldownMinutes: ${minutes}`);
    await vi.waitFor(() => expect(rt.config.alerts.moves.cooldownMinutes).toBe(110), WAIT);
    // A later, separate save proves the watcher is idle again and the burst was one reload.
    edit('alerts.yaml', 'minZ: 2 ', 'minZ: 3 ');
    await vi.waitFor(() => expect(rt.config.alerts.market.minZ).toBe(3), WAIT);
    expect(reloads().map((r) => (r.obj as { changed: string[] }).changed)).toEqual([['alerts.moves.cooldownMinutes'], ['alerts.market.minZ']]);
  });

  it('GIVEN an editor that saves through a temp file renamed over the original THEN the file stays watched', async () => {
    for (const minutes of [50, 60]) {
      const temp = file(`.alerts.yaml.${minutes}.tmp`);
      writeFileSync(temp, readFileSync(file('alerts.yaml'), 'utf8').replace(/cooldownMinutes: \d+/, `cooldownMinutes: ${minutes}`));
      renameSync(temp, file('alerts.yaml'));
      await vi.waitFor(() => expect(rt.config.alerts.moves.cooldownMinutes).toBe(minutes), WAIT);
    }
    expect(reloads()).toHaveLength(2);
  });

  it('GIVEN a file deleted and recreated THEN the gap is not loaded as defaults and the new file is', async () => {
    const text = readFileSync(file('feeds.yaml'), 'utf8');
    const feeds = rt.config.feeds.feeds.length;
    rmSync(file('feeds.yaml'));
    await vi.waitFor(() => expect(logged('config file disappeared; the config in force stays until it is back')).not.toHaveLength(0), WAIT);
    expect(rt.config.feeds.feeds).toHaveLength(feeds);
    writeFileSync(file('feeds.yaml'), text.replace(/pollMinutes: \d+/, 'pollMinutes: 7'));
    await vi.waitFor(() => expect(rt.config.feeds.defaults.pollMinutes).toBe(7), WAIT);
    expect(rt.config.feeds.feeds).toHaveLength(feeds);
  });

  it('GIVEN the whole directory replaced THEN the watch is re-armed on the new one', async () => {
    const moved = `${dir}-old`;
    renameSync(dir, moved);
    cpSync(moved, dir, { recursive: true });
    rmSync(moved, { recursive: true });
    // The first save may land before the re-arm sees the new directory; keep saving until one is applied.
    let minutes = 70;
    await vi.waitFor(() => {
      edit('alerts.yaml', /cooldownMinutes: \d+/, `cooldownMinutes: ${++minutes}`);
      expect(rt.config.alerts.moves.cooldownMinutes).toBeGreaterThan(70);
      expect(rt.config.alerts.moves.cooldownMinutes).toBeLessThan(100);
    }, { timeout: 10_000, interval: 300 });
    // Only a watch on the new directory sees this one.
    edit('alerts.yaml', /cooldownMinutes: \d+/, 'cooldownMinutes: 95');
    await vi.waitFor(() => expect(rt.config.alerts.moves.cooldownMinutes).toBe(95), WAIT);
  });

  it('GIVEN the directory gone for a while THEN the config in force stays, it is logged once, and the watch resumes when it is back', async () => {
    const saved = `${dir}-saved`;
    cpSync(dir, saved, { recursive: true });
    rmSync(dir, { recursive: true });
    await vi.waitFor(() => expect(logged('cannot watch the config directory; trying again until it is back')).toHaveLength(1), WAIT);
    expect(rt.config.alerts.moves.cooldownMinutes).toBe(240);
    cpSync(saved, dir, { recursive: true });
    rmSync(saved, { recursive: true });
    edit('alerts.yaml', 'cooldownMinutes: 240', 'cooldownMinutes: 33');
    await vi.waitFor(() => expect(rt.config.alerts.moves.cooldownMinutes).toBe(33), WAIT);
    expect(logged('cannot watch the config directory; trying again until it is back')).toHaveLength(1);
    edit('alerts.yaml', 'cooldownMinutes: 33', 'cooldownMinutes: 34');
    await vi.waitFor(() => expect(rt.config.alerts.moves.cooldownMinutes).toBe(34), WAIT);
  });

  it('GIVEN a feed URL changed THEN its conditional-GET state and backoff are cleared', async () => {
    const feed = rt.config.feeds.feeds[0]!;
    rt.store.saveFeedState({ feedId: feed.id, etag: '"old"', lastModified: 'yesterday', failures: 3, nextPollAt: 9e12, itemsSeen: 12, lastError: 'HTTP 500' });
    edit('feeds.yaml', feed.url, 'https://moved.example.com/rss.xml');
    await vi.waitFor(() => expect(rt.config.feeds.feeds[0]!.url).toBe('https://moved.example.com/rss.xml'), WAIT);
    expect(rt.store.getFeedState(feed.id)).toMatchObject({ failures: 0, nextPollAt: 0, itemsSeen: 12 });
    expect(rt.store.getFeedState(feed.id)?.etag).toBeUndefined();
    expect(reloads()[0]?.obj).toMatchObject({ feeds: { changed: [feed.id] } });
  });

  it('GIVEN a schedule edited THEN it is in the runtime config and no restart is asked for', async () => {
    edit('alerts.yaml', 'feeds: "*/5 * * * *"', 'feeds: "*/2 * * * *"');
    await vi.waitFor(() => expect(rt.config.alerts.schedule.feeds).toBe('*/2 * * * *'), WAIT);
    expect(reloads()[0]?.obj).toMatchObject({ changed: ['alerts.schedule.feeds'] });
    expect(logged('config reloaded, but these changes take effect only after a restart (destination wiring, the candle timeframe)')).toEqual([]);
  });
});
