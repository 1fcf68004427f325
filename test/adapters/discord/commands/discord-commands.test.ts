/**
 * The real discord.js Client against the loopback gateway: slash commands
 * arrive as INTERACTION_CREATE, replies leave as interaction callbacks.
 */
import type { APIEmbed } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deployDiscordCommands } from '../../../../src/adapters/discord/commands/deploy.ts';
import { slashCommandDefinitions } from '../../../../src/adapters/discord/commands/definitions.ts';
import { startDiscordCommands, type CommandBot } from '../../../../src/adapters/discord/commands/discord-commands.ts';
import { renderDiscordReply } from '../../../../src/adapters/discord/commands/render-reply.ts';
import { runCommand } from '../../../../src/app/commands/run-command.ts';
import { COMMANDS } from '../../../../src/app/commands/parse.ts';
import { FAKE_GUILD_ID, MANAGE_GUILD, startFakeDiscordGateway, type FakeCommandInput, type FakeDiscordGateway, type FakeInteractionResponse } from '../../../../src/loopback/discord-gateway.ts';
import { HOSTILE_TEXT, sampleCatalyst } from '../../../fakes/sample-alerts.ts';
import { commandsFixture, DISCORD_CHANNEL, seedMoveAlert, type CommandsFixture } from '../../../app/commands/fixtures.ts';

const ALLOW_LISTED = '777777777777777777';
const EPHEMERAL = 64;

let gateway: FakeDiscordGateway;
let bot: CommandBot | undefined;
let f: CommandsFixture;

beforeEach(async () => {
  f = await commandsFixture();
  gateway = await startFakeDiscordGateway();
  bot = await startDiscordCommands({
    token: gateway.token,
    apiRoot: gateway.api,
    adminIds: [ALLOW_LISTED],
    destinations: [{ id: 'discord-main', platform: 'discord', chatId: DISCORD_CHANNEL }],
    run: (command, ctx) => runCommand(command, ctx, f.deps),
    log: f.rt.log,
  });
});

afterEach(async () => {
  await bot?.stop();
  await gateway.close();
});

const embedOf = (r: FakeInteractionResponse) => (r.body.data as { embeds: APIEmbed[] }).embeds[0]!;
const flagsOf = (r: FakeInteractionResponse) => (r.body.data as { flags?: number }).flags ?? 0;
const setCooldown = (extra: Partial<FakeCommandInput>) =>
  gateway.sendCommand({ name: 'alerts', subcommand: { name: 'set', options: [{ name: 'setting', value: 'cooldown' }, { name: 'value', value: '1h' }] }, channelId: DISCORD_CHANNEL, ...extra });

describe('Discord slash commands', () => {
  it('GIVEN the bot connected THEN it asked the gateway for no intents, so Discord sends it no guild state to keep', async () => {
    await gateway.identified;
    expect(gateway.intents).toBe(0);
  });

  it('GIVEN /why TAO THEN the reply is the move with its numbers and catalysts, public, pinging nobody', async () => {
    seedMoveAlert(f.rt.store);
    const response = await gateway.sendCommand({ name: 'why', options: [{ name: 'token', value: 'TAO' }] });
    expect(response.body.type).toBe(4);
    expect(flagsOf(response) & EPHEMERAL).toBe(0);
    expect(response.body.data).toMatchObject({ allowed_mentions: { parse: [] } });
    const embed = embedOf(response);
    expect(embed.title).toBe('TAO +25.0% in 24h, abnormal +21.0% vs BTC \\(z 4.1\\)'); // markdown-escaped
    expect(embed.url).toBe('https://decrypt.co/2025/03/14/bittensor-subnet-launch');
    expect(embed.fields?.find((x) => x.name === 'Likely catalyst')?.value).toContain('<https://decrypt.co/2025/03/14/bittensor-subnet-launch>');
    expect(embed.fields?.find((x) => x.name === 'z-score')?.value).toBe('4.1');
  });

  it('GIVEN a catalyst title from a hostile feed THEN the embed shows it literally, with no mention or link syntax alive', async () => {
    seedMoveAlert(f.rt.store, { catalysts: [sampleCatalyst({ title: HOSTILE_TEXT, source: '@here <@&987654321098765432>' })] });
    const embed = embedOf(await gateway.sendCommand({ name: 'why', options: [{ name: 'token', value: 'tao' }] }));
    const text = JSON.stringify(embed);
    expect(text).not.toMatch(/@everyone|@here|<@&\d|<@!?\d|\]\(javascript:/);
    expect(embed.fields?.find((x) => x.name === 'Likely catalyst')?.value).toContain('\\*\\*bold\\*\\*');
  });

  it('GIVEN a member without Manage Server THEN /alerts set is refused ephemerally, nothing changes, and the attempt is audited', async () => {
    const response = await setCooldown({ userId: '555555555555555555' });
    expect(flagsOf(response) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedOf(response).title).toBe('Sorry, that is for admins');
    expect(embedOf(response).description).toContain('Manage Server permission, or listed in DISCORD\\_ADMIN\\_IDS');
    expect(f.rt.config.alerts.moves.cooldownMinutes).toBe(240);
    expect(f.rt.store.auditLog()).toMatchObject([{ action: 'alerts set', outcome: 'refused', actor: { platform: 'discord', userId: '555555555555555555' } }]);
  });

  it('GIVEN a member with Manage Server THEN /alerts set is persisted, audited and applied', async () => {
    const response = await setCooldown({ userId: '888888888888888888', username: 'modo', permissions: MANAGE_GUILD });
    expect(embedOf(response)).toMatchObject({ title: 'Alert settings changed', fields: [{ name: 'cooldown', value: '4h → 1h' }] });
    expect(f.rt.config.alerts.moves.cooldownMinutes).toBe(60);
    expect(f.rt.store.listOverrides()).toMatchObject([{ key: 'alerts.moves.cooldownMinutes', value: 60, updatedBy: { platform: 'discord', userId: '888888888888888888', userName: 'modo' } }]);
    expect(f.rt.store.auditLog()).toMatchObject([{ outcome: 'applied', oldValue: 240, newValue: 60 }]);
  });

  it('GIVEN an allow-listed user in a DM THEN they are an admin too', async () => {
    const response = await gateway.sendCommand({ name: 'alerts', subcommand: { name: 'mute', options: [{ name: 'target', value: 'WLD' }] }, userId: ALLOW_LISTED, dm: true });
    expect(embedOf(response).title).toBe('Alert settings changed');
    expect(f.rt.config.alerts.moves.muted).toEqual(['WLD']);
  });

  it('GIVEN /subscribe in the alert channel THEN that destination subscribes, with kind and mode together', async () => {
    const response = await gateway.sendCommand({
      name: 'subscribe',
      channelId: DISCORD_CHANNEL,
      options: [
        { name: 'topics', value: 'TAO gpu-compute' },
        { name: 'kind', value: 'story' },
        { name: 'mode', value: 'silent' },
        { name: 'timezone', value: 'Europe/Berlin' },
      ],
    });
    expect(embedOf(response).title).toBe('Subscription updated');
    expect(f.rt.store.getSubscription('discord-main')).toMatchObject({ tokens: ['TAO'], themes: ['gpu-compute'], kinds: { story: 'silent' }, timeZone: 'Europe/Berlin' });
    const half = await gateway.sendCommand({ name: 'subscribe', channelId: DISCORD_CHANNEL, options: [{ name: 'kind', value: 'move' }] });
    expect(embedOf(half).title).toBe('kind and mode go together, e.g. kind: story, mode: silent');
  });

  it('GIVEN /subscribe in another channel THEN it explains that the channel receives no alerts', async () => {
    const response = await gateway.sendCommand({ name: 'subscribe', channelId: '999999999999999999', options: [{ name: 'topics', value: 'TAO' }] });
    expect(flagsOf(response) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedOf(response).description).toContain('channelId: "999999999999999999"');
  });
});

describe('deploy-commands', () => {
  it('GIVEN a guild THEN every command is registered there with PUT, the application id looked up from the token', async () => {
    const result = await deployDiscordCommands({ token: gateway.token, apiRoot: gateway.api, guildId: FAKE_GUILD_ID });
    expect(result).toMatchObject({ applicationId: gateway.applicationId, scope: 'guild' });
    expect(gateway.deployments).toHaveLength(1);
    expect(gateway.deployments[0]!.guildId).toBe(FAKE_GUILD_ID);
    expect(gateway.deployments[0]!.commands.map((c) => c.name)).toEqual(COMMANDS.filter((c) => !c.telegramOnly).map((c) => c.name));
  });

  it('GIVEN no guild THEN the commands are registered globally', async () => {
    await deployDiscordCommands({ token: gateway.token, apiRoot: gateway.api, applicationId: gateway.applicationId });
    expect(gateway.deployments[0]).toMatchObject({ applicationId: gateway.applicationId });
    expect(gateway.deployments[0]!.guildId).toBeUndefined();
  });

  it('GIVEN a wrong token THEN the error tells the operator what to fix, without the token', async () => {
    const error = await deployDiscordCommands({ token: 'wrong-token-value', apiRoot: gateway.api }).then(
      () => new Error('deployed with a wrong token'),
      (e: unknown) => e as Error,
    );
    expect(error.message).toContain('Discord rejected DISCORD_TOKEN');
    expect(JSON.stringify(error)).not.toContain('wrong-token-value');
  });

  it('GIVEN the definitions THEN they satisfy Discord’s limits on names, descriptions and choices', () => {
    for (const c of slashCommandDefinitions()) {
      expect(c.name).toMatch(/^[a-z_-]{1,32}$/);
      expect(c.description.length).toBeLessThanOrEqual(100);
      expect(c.options?.length ?? 0).toBeLessThanOrEqual(25);
    }
  });
});

describe('renderDiscordReply', () => {
  it('GIVEN a reply over every limit THEN the embed fits Discord’s limits', () => {
    const huge = 'word '.repeat(2_000);
    const { embeds } = renderDiscordReply({ status: 'ok', title: huge, text: huge, fields: Array.from({ length: 40 }, (_, i) => ({ name: `${i} ${huge}`, value: huge })), footer: huge, private: false });
    const e = embeds[0]!;
    const total = (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n, x) => n + x.name.length + x.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(e.fields!.length).toBeLessThanOrEqual(25);
    expect(e.title!.length).toBeLessThanOrEqual(256);
    expect(e.description!.length).toBeGreaterThan(0);
  });
});
