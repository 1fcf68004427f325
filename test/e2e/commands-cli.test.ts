/**
 * The command-line side of chat commands: `radar deploy-commands` against the
 * loopback Discord gateway and Telegram Bot API, and `radar config show` over
 * a database with overrides, one of which no longer fits the YAML.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import type { AuditEntry, ConfigOverride } from '../../src/app/commands-store.ts';
import { configShowCommand } from '../../src/cli/config-show-command.ts';
import { deployCommandsCommand } from '../../src/cli/deploy-commands-command.ts';
import { parseEnv } from '../../src/config/env.ts';
import { FAKE_GUILD_ID, startFakeDiscordGateway, type FakeDiscordGateway } from '../../src/loopback/discord-gateway.ts';
import { startFakeTelegram, type FakeTelegram } from '../../src/loopback/telegram-api.ts';
import { SAMPLE_NOW } from '../fakes/sample-alerts.ts';

describe('radar deploy-commands', () => {
  let gateway: FakeDiscordGateway;
  let telegram: FakeTelegram;
  beforeEach(async () => {
    [gateway, telegram] = await Promise.all([startFakeDiscordGateway(), startFakeTelegram()]);
  });
  afterEach(async () => {
    await Promise.all([gateway.close(), telegram.close()]);
  });

  const run = async (args: string[], vars: Record<string, string>) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await deployCommandsCommand(args, { env: parseEnv(vars), out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out, err };
  };

  it('GIVEN both tokens and --guild THEN Discord commands go to that guild and Telegram gets its menus', async () => {
    const r = await run(['--guild', FAKE_GUILD_ID], {
      DISCORD_TOKEN: gateway.token,
      DISCORD_API_URL: gateway.api,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_URL: telegram.apiRoot,
      TELEGRAM_ADMIN_IDS: '1001',
    });
    expect(r).toMatchObject({ code: 0, err: [] });
    expect(r.out[0]).toMatch(/^✔ Discord: 10 slash commands registered in guild 444444444444444444: \/price \/why/);
    expect(r.out[1]).toBe('✔ Telegram: command menu set, with admin commands for 1 admin(s)');
    expect(gateway.deployments.map((d) => d.guildId)).toEqual([FAKE_GUILD_ID]);
    expect(telegram.commandSets).toHaveLength(2);
  });

  it('GIVEN a refused Telegram token THEN it fails with a message that does not show the token', async () => {
    telegram.failNext({ status: 401, method: 'setMyCommands' });
    const r = await run([], { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_URL: telegram.apiRoot });
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/^✘ Telegram: /);
    expect(r.err.join('\n')).not.toContain(telegram.token);
  });

  it.each([
    [[], {}, 1, 'Set DISCORD_TOKEN'],
    [['--guild', 'my-server'], { DISCORD_TOKEN: 'x' }, 2, '--guild takes a server id'],
  ])('GIVEN %j with %j THEN exit %i: %s', async (args, vars, code, message) => {
    const r = await run(args, vars);
    expect(r.code).toBe(code);
    expect(r.err[0]).toContain(message);
  });
});

describe('radar config show', () => {
  it('GIVEN overrides from chat THEN it marks applied ones with who and the YAML value, lists a stale one as skipped, and prints the audit', async () => {
    const dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'radar-show-')), 'radar.db');
    const store = openSqliteStore(dbPath);
    const by = { platform: 'telegram' as const, userId: '1001', userName: 'alice' };
    const set = (key: string, value: unknown, oldValue?: unknown) => {
      const o: ConfigOverride = { key, value, updatedAt: SAMPLE_NOW, updatedBy: by };
      const a: AuditEntry = { at: SAMPLE_NOW, actor: by, action: 'test', target: key, oldValue, newValue: value, outcome: 'applied' };
      store.setOverride(o, a);
    };
    set('feeds.feeds[id=my-blog]', { id: 'my-blog', name: 'My Blog', url: 'https://blog.example.com/feed.xml', enabled: true, weight: 1 });
    set('feeds.feeds[id=retired].enabled', false); // that feed is no longer in feeds.yaml
    set('alerts.moves.muted', ['WLD'], []);
    store.close();

    const lines: string[] = [];
    expect(await configShowCommand(['feeds', 'alerts'], { env: parseEnv({ DB_PATH: dbPath }), out: (l) => lines.push(l) })).toBe(0);
    const text = lines.join('\n');
    expect(text).toContain('with 2 overrides from chat (marked OVERRIDDEN)');
    expect(text).toMatch(/ {4}# OVERRIDDEN by telegram:1001 \(alice\) at 2025-03-14 12:00Z; YAML: \(none\)\n {4}- id: my-blog/);
    expect(text).toMatch(/ {4}# OVERRIDDEN by telegram:1001 \(alice\) at 2025-03-14 12:00Z; YAML: \[\]\n {4}muted:\n {6}- WLD/);
    expect(text).toContain('feeds.feeds[id=retired].enabled = false  by telegram:1001 (alice) at 2025-03-14 12:00Z  SKIPPED: no entry with id "retired"');
    expect(text).toMatch(/# Audit log \(latest 3\)\n {2}2025-03-14 12:00Z {2}telegram:1001 \(alice\) {2}test {2}alerts\.moves\.muted {2}\[\] → \["WLD"\]/);
    expect(text).not.toContain('themes:'); // only the sections asked for
  });

  it('GIVEN an unknown section THEN it says which sections exist', async () => {
    const lines: string[] = [];
    expect(await configShowCommand(['secrets'], { env: parseEnv({}), out: (l) => lines.push(l) })).toBe(2);
    expect(lines[0]).toBe('unknown section secrets: use feeds, themes, tokens, alerts');
  });
});
