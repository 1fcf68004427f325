/**
 * The running bot (startBot, as `radar start` runs it) follows an edit of
 * alerts.yaml's schedules without a restart. No feeds and no chat tokens: the
 * bot only polls its (unreachable) exchanges, which it logs and survives.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEnv } from '../../src/config/env.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { startBot, type RunningBot } from '../../src/main.ts';

let dir: string | undefined;
let bot: RunningBot | undefined;
afterEach(async () => {
  await bot?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  bot = dir = undefined;
});

describe('startBot: config reload', () => {
  it('GIVEN the feeds schedule edited in alerts.yaml THEN the scheduler moves the job to it; the other jobs keep theirs', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'radar-reload-'));
    const config = path.join(dir, 'config');
    cpSync(DEFAULT_CONFIG_DIR, config, { recursive: true });
    writeFileSync(path.join(config, 'feeds.yaml'), 'feeds: []\n');
    const env = { CONFIG_DIR: config, DB_PATH: path.join(dir, 'radar.db'), LOG_LEVEL: 'silent' };
    bot = await startBot(parseEnv(env), env);
    const before = bot.scheduler.schedules();
    expect(before.feeds).toBe('*/5 * * * *');

    const alerts = path.join(config, 'alerts.yaml');
    writeFileSync(alerts, readFileSync(alerts, 'utf8').replace('feeds: "*/5 * * * *"', 'feeds: "*/2 * * * *"'));

    await vi.waitFor(() => expect(bot!.scheduler.schedules().feeds).toBe('*/2 * * * *'), { timeout: 10_000, interval: 50 });
    expect(bot.scheduler.schedules()).toEqual({ ...before, feeds: '*/2 * * * *' });
  });
});
