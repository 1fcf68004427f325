import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'radar-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

async function issuesOf(files: Record<string, string>) {
  const err = await loadConfig(dirWith(files)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  return (err as ConfigError).issues.map((i) => ({ file: path.basename(i.file), line: i.line, key: i.key, message: i.message }));
}

describe('loadConfig', () => {
  it('GIVEN the bundled config THEN it is valid', async () => {
    const config = await loadConfig(DEFAULT_CONFIG_DIR);
    expect(config.themes.themes.map((t) => t.id)).toContain('decentralized-inference');
    expect(config.tokens.tokens.find((t) => t.symbol === 'RENDER')?.tickers).toEqual(['RNDR']);
  });

  it('GIVEN problems in several files THEN lists every one with file, line and key', async () => {
    const issues = await issuesOf({
      'feeds.yaml': 'feeds:\n  - id: ok\n    name: OK\n    url: https://example.com/feed\n  - id: Bad Id\n    name: x\n    url: ftp://example.com/feed\n',
      'themes.yaml': 'themes:\n  - id: zk\n    name: zkML\n    keywords: { any: [zkML] }\n    tokens: [TOA]\n',
      'tokens.yaml': 'tokens:\n  - { symbol: TAO, name: Bittensor }\n  - { symbol: BTC, name: Bitcoin, benchmark: true }\n',
      'alerts.yaml': 'market:\n  windows:\n    - { minutes: 60, treshold: 0.05 }\n',
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'feeds.yaml', line: 5, key: 'feeds[1].id' }),
        expect.objectContaining({ file: 'feeds.yaml', line: 7, key: 'feeds[1].url', message: 'only http:// and https:// feeds are supported' }),
        expect.objectContaining({ file: 'alerts.yaml', line: 3, key: 'market.windows[0]' }),
      ]),
    );
    expect(issues.length).toBeGreaterThanOrEqual(4);
  });

  it('GIVEN a reference to an unknown token THEN names the key and what to do', async () => {
    const issues = await issuesOf({
      'themes.yaml': 'themes:\n  - id: zk\n    name: zkML\n    keywords: { any: [zkML] }\n    tokens: [TAO, TOA]\n',
      'tokens.yaml': 'tokens:\n  - { symbol: TAO, name: Bittensor }\n  - { symbol: BTC, name: Bitcoin, benchmark: true }\n',
    });
    expect(issues).toEqual([{ file: 'themes.yaml', line: 5, key: 'themes[0].tokens[1]', message: 'unknown token "TOA": add it to tokens.yaml or fix the spelling' }]);
  });

  it('GIVEN broken YAML THEN reports the syntax error position', async () => {
    const issues = await issuesOf({ 'feeds.yaml': 'feeds:\n  - id: a\n   name: [unclosed\n' });
    expect(issues[0]).toMatchObject({ file: 'feeds.yaml', key: '' });
    expect(issues[0]!.line).toBeGreaterThanOrEqual(2);
    expect(issues[0]!.message).toMatch(/^YAML syntax/);
  });

  it('GIVEN an invalid cron expression and duplicate ids THEN reports both', async () => {
    const issues = await issuesOf({
      'feeds.yaml': 'feeds:\n  - { id: a, name: A, url: "https://a.example/feed" }\n  - { id: a, name: B, url: "https://b.example/feed" }\n',
      'alerts.yaml': 'schedule:\n  feeds: "every five minutes"\n',
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'feeds[1].id', message: 'duplicate feed id "a" (first at feeds[0])' }),
        expect.objectContaining({ key: 'schedule.feeds', line: 2 }),
      ]),
    );
  });

  it('GIVEN a sector basket with unknown, benchmark and duplicate members THEN names each member key', async () => {
    const issues = await issuesOf({
      'tokens.yaml': 'tokens:\n  - { symbol: TAO, name: Bittensor }\n  - { symbol: FET, name: Fetch }\n  - { symbol: BTC, name: Bitcoin, benchmark: true }\n',
      'alerts.yaml': [
        'market:',
        '  sector:',
        '    minMembers: 3',
        '    members:',
        '      - { symbol: TAO }',
        '      - { symbol: TOA }',
        '      - { symbol: BTC }',
        '      - { symbol: TAO, weight: 2 }',
        '    windows:',
        '      - { minutes: 90, threshold: 0.1 }',
        '',
      ].join('\n'),
    });
    expect(issues).toEqual([
      { file: 'alerts.yaml', line: 10, key: 'market.sector.windows[0].minutes', message: '90 is not a multiple of the 1h timeframe' },
      { file: 'alerts.yaml', line: 6, key: 'market.sector.members[1].symbol', message: 'unknown token "TOA": add it to tokens.yaml or fix the spelling' },
      { file: 'alerts.yaml', line: 7, key: 'market.sector.members[2].symbol', message: 'BTC is a benchmark and cannot be in the sector basket: sector moves are measured against the benchmark' },
      { file: 'alerts.yaml', line: 8, key: 'market.sector.members[3].symbol', message: 'duplicate member "TAO" (first at market.sector.members[0])' },
      expect.objectContaining({ file: 'alerts.yaml', key: 'market.sector.members', message: expect.stringContaining('needs 3 members (minMembers) but lists 1 usable') as string }),
    ]);
  });

  it('GIVEN a mention rule naming an unknown token THEN points at it', async () => {
    const issues = await issuesOf({
      'tokens.yaml': 'tokens:\n  - { symbol: TAO, name: Bittensor }\n  - { symbol: BTC, name: Bitcoin, benchmark: true }\n',
      'alerts.yaml': [
        'destinations:',
        '  - id: traders',
        '    type: discord',
        '    channelId: "123456789012345678"',
        '    mentions:',
        '      - { role: "223456789012345678", tokens: [TAO, TOA] }',
        '',
      ].join('\n'),
    });
    expect(issues).toEqual([{ file: 'alerts.yaml', line: 6, key: 'destinations[0].mentions[0].tokens[1]', message: 'unknown token "TOA": add it to tokens.yaml or fix the spelling' }]);
  });
});
